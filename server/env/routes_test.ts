import { test } from "uvu";
import * as assert from "uvu/assert";
import { calculator } from "../../plugins/calculator/mod.ts";
import { createToolServer } from "../server.ts";
import { createSessions } from "./sessions.ts";

const plugin = calculator();
const task = plugin.tasks[0];
const app = createToolServer({ plugins: [plugin], auth: { token: "t0k" }, env: { tasks: [task] } });
const auth = { authorization: "Bearer t0k", "content-type": "application/json" };
const post = (path: string, body: unknown) =>
  app.fetch(new Request(`http://x${path}`, { method: "POST", headers: auth, body: JSON.stringify(body) }));

test("POST /reset draws the seeded sample and renders its prompt in the asked format", async () => {
  const response = await post("/reset", { seed: 3, format: "react" });
  assert.is(response.status, 200);
  const { observation, reward, done } = await response.json();
  const [sample] = task.samples({ seed: 3, n: 1 });
  assert.is(observation.prompt, task.prompt(sample, "react"));
  assert.is(observation.question, sample.question, "the bare question, for trainers that render prompts themselves");
  assert.is(observation.format, "react");
  assert.is(observation.tools[0].function.name, "calculator");
  assert.is(reward, null);
  assert.is(done, false);
});

test("POST /step is one-shot: the solver's single answer in submit scores 1 without the call only if right", async () => {
  const [sample] = task.samples({ seed: 5, n: 1 });
  const response = await post("/step", { seed: 5, format: "hermes", action: { tool_calls: [{ name: "calculator", arguments: { expression: "1+1" } }] } });
  const body = await response.json();
  assert.is(body.done, false);
  assert.match(body.observation.text, /2/);
  const wrong = await post("/step", { seed: 5, format: "hermes", action: { text: `The answer is ${String(Number(sample.answer) + 7)}` } });
  assert.is((await wrong.json()).reward, 0);
});

test("POST /reset names a bad format; /step names a bad action", async () => {
  const bad = await post("/reset", { format: "xml" });
  assert.is(bad.status, 400);
  assert.match((await bad.json()).error.message, /"xml"/);
  const action = await post("/step", { action: { nope: 1 } });
  assert.is(action.status, 422, "OpenEnv's /step answers 422 to an action that does not validate");
  const error = (await action.json()).error;
  assert.is(error.code, "invalid_action");
  assert.match(error.message, /nope/);
  const fine = await post("/step", { action: { text: "hi" }, timeout_s: 2.5, request_id: "r-1" });
  assert.is(fine.status, 200);
});

const raw = (path: string, body: BodyInit) => app.fetch(new Request(`http://x${path}`, { method: "POST", headers: auth, body }));

test("a body that is not JSON gets OpenEnv's (FastAPI's) answer exactly: 422 json_invalid with Python's message and position", async () => {
  for (const path of ["/reset", "/step"]) {
    const response = await raw(path, '{"seed": 3,');
    assert.is(response.status, 422, path);
    assert.equal(await response.json(), {
      detail: [{ type: "json_invalid", loc: ["body", 11], msg: "JSON decode error", input: {}, ctx: { error: "Expecting property name enclosed in double quotes" } }],
    }, path);
  }
  const single = await raw("/reset", "{'seed': 3}");
  assert.equal((await single.json()).detail[0].loc, ["body", 1]);
  const notUtf8 = await raw("/reset", new Uint8Array([0x7b, 0xff, 0x7d]));
  assert.is(notUtf8.status, 400, "bytes that are not UTF-8 are FastAPI's generic 400");
  assert.equal(await notUtf8.json(), { detail: "There was an error parsing the body" });
  const bom = await raw("/reset", new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('{"seed": 3}')]));
  assert.is(bom.status, 200, "json.loads(bytes) drops a UTF-8 BOM");
});

test("fields that break ResetRequest or StepRequest get 422 with FastAPI's detail entries (and toolrl's error)", async () => {
  const entries = async (response: Response) => {
    assert.is(response.status, 422);
    const body = await response.json();
    assert.ok(body.error.message.length > 0);
    return body.detail.map((d: { type: string; loc: unknown[]; ctx?: unknown }) => [d.type, d.loc.join("."), d.ctx ?? null]);
  };
  assert.equal(await entries(await post("/reset", { seed: -1, episode_id: "e".repeat(256) })), [
    ["greater_than_equal", "body.seed", { ge: 0 }],
    ["string_too_long", "body.episode_id", { max_length: 255 }],
  ]);
  assert.equal(await entries(await post("/reset", { seed: 1.5 })), [["int_from_float", "body.seed", null]]);
  assert.equal(await entries(await post("/reset", [1])), [["model_attributes_type", "body", null]]);
  assert.equal(await entries(await post("/step", { seed: 1 })), [["missing", "body.action", null]]);
  assert.equal(await entries(await raw("/step", "null")), [["missing", "body", null]]);
  assert.equal(await entries(await post("/step", { action: "hi", timeout_s: 0, request_id: "r".repeat(256) })), [
    ["dict_type", "body.action", null],
    ["greater_than", "body.timeout_s", { gt: 0 }],
    ["string_too_long", "body.request_id", { max_length: 255 }],
  ]);
  const seeded = await post("/reset", { seed: "3" });
  assert.is(seeded.status, 200, "pydantic's lax mode reads a numeric string as an integer");
  const [sample] = task.samples({ seed: 3, n: 1 });
  assert.is((await seeded.json()).observation.sample_id, sample.id);
  assert.is((await raw("/reset", "")).status, 200, "an empty body is ResetRequest's defaults");
  const bare = (headers: Record<string, string>) => app.fetch(new Request("http://x/reset", { method: "POST", headers: { authorization: "Bearer t0k", ...headers } }));
  assert.is((await bare({})).status, 200, "a POST with no body and no Content-Type, as requests.post(url) sends, resets");
  assert.is((await bare({ "content-length": "0" })).status, 200);
  const form = await bare({ "content-type": "application/x-www-form-urlencoded", "content-length": "0" });
  assert.is(form.status, 415, "a typed body that is not JSON is still refused");
});

test("routes need the bearer token; /health does not", async () => {
  assert.is((await app.fetch(new Request("http://x/reset", { method: "POST", body: "{}" }))).status, 401);
  assert.is((await app.fetch(new Request("http://x/health"))).status, 200);
});

test("GET /ws without a runtime upgrade answers 501, and checks ?token= first", async () => {
  assert.is((await app.fetch(new Request("http://x/ws?token=bad"))).status, 401);
  // OpenEnv's Python client appends /ws to its base URL; `http://user:t0k@host` makes `websockets` send Basic auth.
  const basic = (pair: string) => app.fetch(new Request("http://x/ws", { headers: { authorization: `Basic ${btoa(pair)}` } }));
  assert.is((await basic("toolrl:t0k")).status, 501, "the token as the Basic password passes auth");
  assert.is((await basic("toolrl:bad")).status, 401);
  const response = await app.fetch(new Request("http://x/ws?token=t0k"));
  assert.is(response.status, 501);
  assert.match((await response.json()).error.message, /WebSocket/);
});

test("GET /schema gives JSON Schemas of action, observation and state", async () => {
  const schema = await (await app.fetch(new Request("http://x/schema", { headers: auth }))).json();
  assert.ok(Array.isArray(schema.action.anyOf));
  assert.ok(schema.observation.properties.tool_results);
  assert.equal(schema.state.required, ["episode_id", "step_count"]);
});

test("GET /metadata has exactly OpenEnv's EnvironmentMetadata fields, the deployment's overrides, and the tasks in readme_content", async () => {
  const custom = createToolServer({ plugins: [plugin], env: { tasks: [task], metadata: { author: "ops", documentation_url: "https://example.org/env" } } });
  const meta = await (await custom.fetch(new Request("http://localhost/metadata"))).json();
  // EnvironmentMetadata is a pydantic model with extra="forbid": a client that validates it refuses any other key.
  assert.equal(Object.keys(meta).sort(), ["author", "description", "documentation_url", "name", "readme_content", "version"]);
  assert.is(meta.name, "toolrl");
  assert.is(typeof meta.description, "string");
  assert.match(meta.version, /^\d+\.\d+\.\d+$/);
  assert.is(meta.author, "ops");
  assert.is(meta.documentation_url, "https://example.org/env");
  assert.match(meta.readme_content, /\*\*calculator\*\*.*Tools: calculator/);
  const plain = await (await app.fetch(new Request("http://x/metadata", { headers: auth }))).json();
  assert.is(plain.author, null, "unknown fields are null, as pydantic serialises them");
});

test("GET /openapi.json passes the checks `openenv validate` makes of it: info.version 1.x and simulation-mode paths", async () => {
  const doc = await (await app.fetch(new Request("http://x/openapi.json", { headers: auth }))).json();
  assert.type(doc.info.version, "string");
  assert.ok(doc.info.version.startsWith("1."), "openenv validate names the profile openenv-http/1.x from it");
  for (const path of ["/reset", "/step", "/state"]) assert.ok(doc.paths[path], path);
  assert.ok(doc.paths["/step"].post.requestBody.content["application/json"].schema.required.includes("action"));
});

test("POST /reward scores a completion by sample or sample_id, one or a batch", async () => {
  const [sample] = task.samples({ seed: 9, n: 1 });
  const right = `Result = ${String(sample.answer)} <submit>`;
  const one = await (await post("/reward", { task: "calculator", sample, completion: right, format: "submit" })).json();
  const batch = await (await post("/reward", {
    items: [{ sample_id: sample.id, completion: right, format: "submit" }, { sample, completion: "Result = 99999 <submit>", format: "submit" }],
  })).json();
  assert.is(one.score, 1);
  assert.equal(batch.results.map((r: { score: number }) => r.score), [1, 0]);
  const unknown = await post("/reward", { sample_id: "calculator/train/1/99x", completion: "" });
  assert.match((await unknown.json()).error.message, /99x/);
});

test("createSessions() refuses past its cap and sweeps idle sessions", async () => {
  const sessions = createSessions([task], { maxSessions: 2, idleMs: 10 });
  const a = sessions.open();
  sessions.open();
  assert.throws(() => sessions.open(), /limit of 2 sessions/);
  await sessions.handle(a, { type: "reset", data: { seed: 1 } });
  assert.is(await sessions.sweep(Date.now() + 1000), 2);
  assert.is(sessions.size(), 0);
});

test("createSessions() makes room for a new session by dropping idle ones, with no timer", async () => {
  const sessions = createSessions([task], { maxSessions: 1, idleMs: 20 });
  sessions.open();
  assert.throws(() => sessions.open(), /limit of 1 sessions/);
  await new Promise((resolve) => setTimeout(resolve, 40));
  const fresh = sessions.open();
  assert.is(sessions.size(), 1);
  assert.is((await sessions.handle(fresh, { type: "reset", data: { seed: 2 } }))?.type, "observation");
});

test.run();
