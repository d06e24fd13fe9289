import { test } from "uvu";
import * as assert from "uvu/assert";
import * as v from "valibot";
import { defineTool } from "../../core/plugin/define_tool.ts";
import { invokeTool } from "../../core/plugin/invoke_tool.ts";
import { toolSchemas } from "../../core/plugin/tool_schemas.ts";
import { calculatorTool } from "../calculator/tool.ts";
import { startTestServer, type TestReply, type TestRequest, type TestServer } from "./testing/server_node.ts";
import { http } from "./mod.ts";
import { httpTool, remoteTools } from "./tool.ts";

// A small server speaking the tool server's protocol over real tools.
const scored = defineTool({
  name: "scored",
  description: "Echoes with a reward.",
  parameters: v.object({ word: v.string(), times: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))) }),
  run: ({ word, times = 1 }) => ({ text: word.repeat(times), reward: 0.5, metrics: { calls: 1 } }),
});
const served = [calculatorTool(), scored];

async function handle(request: TestRequest): Promise<TestReply> {
  if (request.path === "/tools" && request.method === "GET") return { body: toolSchemas(served) };
  if (request.path === "/tools/slow") return { body: { text: "late", error: null }, delayMs: 1000 };
  if (request.path === "/tools/moved") return { status: 302, headers: { location: "http://example.com/tools/x" }, text: "" };
  if (request.path === "/tools/broken") return { body: { text: "Tool error: disk full", error: "tool_exception", durationMs: 1 } };
  const tool = served.find((t) => request.path === `/tools/${t.name}`);
  if (!tool) return { status: 404, body: { error: { code: "unknown_tool", message: `no tool named "${request.path.slice(7)}"` } } };
  const args = (request.body as { arguments: unknown }).arguments;
  const parsed = v.safeParse(tool.parameters, args);
  if (!parsed.success) {
    const issues = parsed.issues.map((issue) => ({ path: v.getDotPath(issue) ?? "", message: issue.message }));
    return { status: 400, body: { error: { code: "invalid_arguments", message: "invalid arguments", issues } } };
  }
  const outcome = await invokeTool(tool, args);
  return { body: { ...outcome } };
}

let server: TestServer;
let host = "";
test.before(async () => {
  server = await startTestServer(handle);
  host = new URL(server.url).host;
});
test.after(() => server.close());

const calc = () => httpTool({ url: server.url, name: "calculator", allowHosts: [host], token: "s3cret" });

test("httpTool posts { arguments, episodeId } to /tools/:name and returns the server's text", async () => {
  const before = server.requests.length;
  const out = await invokeTool(calc(), { expression: "2 + 3 * 4" }, { episodeId: "ep-1" });
  assert.equal([out.error, out.text], [null, "14"]);
  const sent = server.requests[before];
  assert.equal([sent.method, sent.path, sent.body], ["POST", "/tools/calculator", { arguments: { expression: "2 + 3 * 4" }, episodeId: "ep-1" }]);
  assert.is(sent.headers.authorization, "Bearer s3cret");
});

test("httpTool refuses a host outside the allow-list before any request", () => {
  const before = server.requests.length;
  assert.throws(() => httpTool({ url: server.url, name: "calculator", allowHosts: ["tools.example.com"] }), /host 127\.0\.0\.1:\d+ is not in allowHosts \["tools.example.com"\]/);
  assert.throws(() => httpTool({ url: "file:///etc/passwd", name: "x", allowHosts: [""] }), /must use http or https/);
  assert.throws(() => httpTool({ url: "not a url", name: "x", allowHosts: [] }), /is not a URL/);
  assert.is(server.requests.length, before);
  assert.ok(httpTool({ url: server.url, name: "calculator", allowHosts: ["127.0.0.1"] }), "a bare hostname allows every port");
});

test("httpTool turns the server's errors into tool errors with its message", async () => {
  const invalid = await invokeTool(calc(), { expression: 5 });
  assert.is(invalid.error, "tool_exception");
  assert.match(invalid.text, /answered 400 invalid_arguments for \/tools\/calculator: invalid arguments \(expression: Invalid type/);
  const unknown = await invokeTool(httpTool({ url: server.url, name: "nope", allowHosts: [host] }), {});
  assert.match(unknown.text, 'answered 404 unknown_tool for /tools/nope: no tool named "nope"');
  const broken = await invokeTool(httpTool({ url: server.url, name: "broken", allowHosts: [host] }), {});
  assert.equal([broken.error, broken.text], ["tool_exception", "Tool error: disk full"]);
});

test("httpTool stops at its time-out and never follows a redirect", async () => {
  const started = performance.now();
  const slow = await invokeTool(httpTool({ url: server.url, name: "slow", allowHosts: [host], timeoutMs: 200 }), {});
  assert.match(slow.text, "did not answer /tools/slow within 200 ms");
  assert.ok(performance.now() - started < 900);
  const moved = await invokeTool(httpTool({ url: server.url, name: "moved", allowHosts: [host] }), {});
  assert.is(moved.error, "tool_exception");
  assert.match(moved.text, "could not be reached (/tools/moved)");
});

test("remoteTools() wraps every listed tool with the server's schema, reward and submit-format mapping", async () => {
  const tools = await remoteTools({ url: server.url, allowHosts: [host] });
  assert.equal(tools.map((t) => t.name), ["calculator", "scored"]);
  assert.equal(toolSchemas(tools), toolSchemas(served));
  const before = server.requests.length;
  const bad = await invokeTool(tools[1], { word: "x", times: 0 });
  assert.is(bad.error, "invalid_arguments");
  assert.is(server.requests.length, before, "invalid arguments are caught before the request");
  const good = await invokeTool(tools[1], { word: "ab", times: 2 });
  assert.equal([good.text, good.reward, good.metrics], ["abab", 0.5, { calls: 1 }]);
  assert.is((await invokeTool(tools[0], " 6 * 7 ", { rawText: true })).text, "42");
  assert.is((await invokeTool(tools[1], "hey", { rawText: true })).text, "hey");
});

test("http() makes a plugin of the server's tools, or of the ones named", async () => {
  const all = await http({ url: server.url, allowHosts: [host] });
  assert.equal(all.tools.map((t) => t.name), ["calculator", "scored"]);
  const one = await http({ url: server.url, allowHosts: [host], tools: ["scored"] });
  assert.equal(one.tools.map((t) => t.name), ["scored"]);
  try {
    await http({ url: server.url, allowHosts: [host], tools: ["python"] });
    assert.unreachable("should have thrown");
  } catch (error) {
    assert.match((error as Error).message, "has no tool python; it lists calculator, scored");
  }
});

test.run();
