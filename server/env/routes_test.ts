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
  const missing = await post("/step", { seed: 1 });
  assert.is(missing.status, 422);
  assert.match((await missing.json()).error.message, /action undefined must be/);
  const timeout = await post("/step", { action: { text: "hi" }, timeout_s: 0 });
  assert.is(timeout.status, 422, "OpenEnv's StepRequest takes timeout_s > 0");
  assert.match((await timeout.json()).error.message, /timeout_s 0 must be a number above 0/);
  const requestId = await post("/step", { action: { text: "hi" }, request_id: "r".repeat(256) });
  assert.is(requestId.status, 422);
  assert.match((await requestId.json()).error.message, /request_id "rrr.* at most 255/);
  const fine = await post("/step", { action: { text: "hi" }, timeout_s: 2.5, request_id: "r-1" });
  assert.is(fine.status, 200);
  const longId = await post("/reset", { episode_id: "e".repeat(256) });
  assert.is(longId.status, 400);
  assert.match((await longId.json()).error.message, /episode_id "eee.* at most 255/);
});

test("routes need the bearer token; /health does not", async () => {
  assert.is((await app.fetch(new Request("http://x/reset", { method: "POST", body: "{}" }))).status, 401);
  assert.is((await app.fetch(new Request("http://x/health"))).status, 200);
});

test("GET /ws without a runtime upgrade answers 501, and checks ?token= first", async () => {
  assert.is((await app.fetch(new Request("http://x/ws?token=bad"))).status, 401);
  const response = await app.fetch(new Request("http://x/ws?token=t0k"));
  assert.is(response.status, 501);
  assert.match((await response.json()).error.message, /WebSocket/);
});

test("GET /schema gives JSON Schemas of action, observation and state; /metadata lists the task", async () => {
  const schema = await (await app.fetch(new Request("http://x/schema", { headers: auth }))).json();
  assert.ok(Array.isArray(schema.action.anyOf));
  assert.ok(schema.observation.properties.tool_results);
  assert.equal(schema.state.required, ["episode_id", "step_count"]);
  const meta = await (await app.fetch(new Request("http://x/metadata", { headers: auth }))).json();
  assert.is(meta.tasks[0].name, "calculator");
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
