/**
 * Every route through a real server on 127.0.0.1 (real sockets, fetch), started with the adapter of the
 * runtime running this file: Node's `@hono/node-server` under Node, `Deno.serve` under Deno.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { runtimeName } from "./adapter/serve.ts";
import type { ServerHandle } from "./adapter/types.ts";
import { postJson, startServer } from "./testing/fixtures.ts";

const lines: string[] = [];
let server: ServerHandle;

test.before(async () => {
  server = await startServer({ logger: (line) => lines.push(line) });
});
test.after(async () => {
  await server.close();
});

test(`serve() binds an ephemeral port on 127.0.0.1 (${runtimeName})`, () => {
  assert.ok(server.port > 0, String(server.port));
  assert.is(server.url, `http://127.0.0.1:${server.port}`);
});

test("GET /health answers { ok: true, status: \"healthy\" } (OpenEnv's health check)", async () => {
  const response = await fetch(`${server.url}/health`);
  assert.is(response.status, 200);
  assert.equal(await response.json(), { ok: true, status: "healthy" });
});

test("GET /v1/ping answers pong, as SandboxFusion", async () => {
  const response = await fetch(`${server.url}/v1/ping`);
  assert.is(response.status, 200);
  assert.is(await response.text(), "pong");
});

test("GET /tools lists every tool as an OpenAI function schema", async () => {
  const response = await fetch(`${server.url}/tools`);
  const tools = await response.json();
  assert.equal(tools.map((t: { function: { name: string } }) => t.function.name), ["add", "hang", "sleep", "boom", "wiki"]);
  const add = tools[0];
  assert.is(add.type, "function");
  assert.is(add.function.description, "Adds two numbers.");
  assert.equal(add.function.parameters.properties, { a: { type: "number" }, b: { type: "number" } });
  assert.equal(add.function.parameters.required, ["a", "b"]);
});

test("POST /tools/:name runs the tool and answers its text", async () => {
  const { status, json } = await postJson(`${server.url}/tools/add`, { arguments: { a: 2, b: 40 } });
  assert.is(status, 200);
  assert.is(json.text, "42");
  assert.is(json.error, null);
  assert.type(json.durationMs, "number");
});

test("POST /tools/:name answers a tool exception as a value with HTTP 200", async () => {
  const { status, json } = await postJson(`${server.url}/tools/boom`, { arguments: {} });
  assert.is(status, 200);
  assert.is(json.error, "tool_exception");
  assert.ok(json.text.includes("boom went the tool"), json.text);
});

test("POST /run_code without a python tool answers SandboxFusion's SandboxError with HTTP 200", async () => {
  const { status, json } = await postJson(`${server.url}/run_code`, { code: "print(1)", language: "python" });
  assert.is(status, 200);
  assert.is(json.status, "SandboxError");
  assert.ok(json.message.includes("python"), json.message);
  assert.is(json.run_result, null);
});

test("POST /retrieve answers Search-R1's shape through the wiki tool's index, with and without scores", async () => {
  const scored = await postJson(`${server.url}/retrieve`, { queries: ["river Zorblat", "mountain"], topk: 2, return_scores: true });
  assert.is(scored.status, 200);
  assert.is(scored.json.result.length, 2, "one list per query");
  assert.equal(scored.json.result[0].map((hit: { document: { id: string } }) => hit.document.id), ["1", "0"]);
  assert.equal(scored.json.result[0][0].document, { id: "1", contents: '"Quenfrey"\nQuenfrey is a river that runs through Zorblat.' });
  assert.ok(scored.json.result[0][0].score > scored.json.result[0][1].score);
  assert.equal(scored.json.result[1].map((hit: { document: { id: string } }) => hit.document.id), ["2"]);
  const bare = await postJson(`${server.url}/retrieve`, { queries: ["Zorblat river mountain"] });
  assert.is(bare.json.result[0].length, 3, "topk defaults to 3");
  assert.equal(Object.keys(bare.json.result[0][0]), ["id", "contents"], "no scores unless asked");
});

test("POST /retrieve caps queries (128) and topk (20); the largest allowed request is answered whole", async () => {
  const tooMany = await postJson(`${server.url}/retrieve`, { queries: Array.from({ length: 1024 }, () => "river"), topk: 3 });
  assert.is(tooMany.status, 400);
  assert.match(tooMany.json.error.message, /queries/);
  const deep = await postJson(`${server.url}/retrieve`, { queries: ["river"], topk: 100 });
  assert.is(deep.status, 400);
  const answer = await postJson(`${server.url}/retrieve`, { queries: Array.from({ length: 128 }, (_, i) => `river ${i}`), topk: 20 });
  assert.is(answer.status, 200);
  assert.is(answer.json.result.length, 128);
  assert.equal(answer.json.result[0], (await postJson(`${server.url}/retrieve`, { queries: ["river 0"], topk: 20 })).json.result[0]);
});

test("POST /mcp answers a JSON-RPC tools/list", async () => {
  const response = await fetch(`${server.url}/mcp`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} }),
  });
  assert.is(response.status, 200);
  const body = await response.json();
  assert.is(body.id, 1);
  assert.equal(body.result.tools.map((t: { name: string }) => t.name), ["add", "hang", "sleep", "boom", "wiki"]);
  assert.equal(body.result.tools[0].inputSchema.required, ["a", "b"]);
});

test("GET /mcp answers 405: the endpoint is stateless", async () => {
  const response = await fetch(`${server.url}/mcp`);
  assert.is(response.status, 405);
  assert.is((await response.json()).error.code, "method_not_allowed");
});

test("an unknown route answers a structured 404", async () => {
  const response = await fetch(`${server.url}/nope`);
  assert.is(response.status, 404);
  assert.is((await response.json()).error.code, "not_found");
});

test("the logger gets one line per request: method, path, status, ms", async () => {
  lines.length = 0;
  await fetch(`${server.url}/health`).then((r) => r.body?.cancel());
  await postJson(`${server.url}/tools/nope`, { arguments: {} });
  assert.is(lines.length, 2, lines.join("\n"));
  assert.match(lines[0], /^GET \/health 200 \d+\.\dms$/);
  assert.match(lines[1], /^POST \/tools\/nope 404 \d+\.\dms$/);
});

test.run();
