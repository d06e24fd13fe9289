import { test } from "uvu";
import * as assert from "uvu/assert";
import { invokeTool } from "../../core/plugin/invoke_tool.ts";
import { startTestServer, type TestReply, type TestServer } from "../http/testing/server_node.ts";
import type { RunCodeRequest, RunCodeResponse } from "./client.ts";
import { sandbox } from "./mod.ts";
import { sandboxTool } from "./tool.ts";

// A fake SandboxFusion that runs nothing: it answers by what the code says, in the service's shapes.
let busy = 0;
function fake(request: RunCodeRequest): TestReply {
  const finished = (stdout: string, extra: Partial<RunCodeResponse> = {}): RunCodeResponse => ({
    status: "Success", message: "", compile_result: null, executor_pod_name: null, files: {},
    run_result: { status: "Finished", execution_time: 0.01, return_code: 0, stdout, stderr: "" }, ...extra,
  });
  switch (request.code) {
    case "busy":
      return busy-- > 0 ? { status: 504, text: "Gateway Timeout" } : { body: finished("done after waiting\n") };
    case "slow":
      return { body: finished("late\n"), delayMs: 1500 };
    case "crash":
      return { status: 500, text: "Internal Server Error" };
    case "loop":
      return { body: finished("", { status: "Failed", run_result: { status: "TimeLimitExceeded", return_code: null, stdout: "tick\n", stderr: "" } }) };
    case "raise":
      return { body: finished("", { status: "Failed", run_result: { status: "Finished", return_code: 1, stdout: "before\n", stderr: "ValueError: bad\n" } }) };
    case "int main(":
      return { body: finished("", { status: "Failed", compile_result: { status: "Finished", return_code: 1, stdout: "", stderr: "error: expected ')'\n" }, run_result: null }) };
    case "oops":
      return { body: { status: "SandboxError", message: "executor pod lost", run_result: null } };
    default:
      return { body: finished(`ran ${request.language}: ${request.code}\n`) };
  }
}

let server: TestServer;
test.before(async () => {
  server = await startTestServer((request) => request.path === "/run_code" ? fake(request.body as RunCodeRequest) : { status: 404, text: "no route" });
});
test.after(() => server.close());

const tool = () => sandboxTool({ url: server.url, backoffMs: 50, requestTimeoutMs: 500, runTimeoutS: 3 });

test("sandbox sends SandboxFusion's request and returns the run's stdout", async () => {
  const before = server.requests.length;
  const out = await invokeTool(tool(), { code: "print(1)" });
  assert.equal([out.error, out.text], [null, "ran python: print(1)"]);
  assert.equal(server.requests[before].body, { code: "print(1)", language: "python", compile_timeout: 10, run_timeout: 3, memory_limit_MB: -1 });
  assert.is((await invokeTool(tool(), { code: "x", language: "cpp" })).text, "ran cpp: x");
  assert.is((await invokeTool(tool(), "print(2)", { rawText: true })).text, "ran python: print(2)");
  assert.is((await invokeTool(sandboxTool({ url: `${server.url}/run_code/` }), { code: "y" })).text, "ran python: y");
});

test("sandbox retries HTTP 504 with growing waits, then gets the answer", async () => {
  busy = 2;
  const before = server.requests.length;
  const started = performance.now();
  const out = await invokeTool(tool(), { code: "busy" });
  assert.equal([out.error, out.text], [null, "done after waiting"]);
  assert.is(server.requests.length - before, 3);
  assert.ok(performance.now() - started >= 50 + 100, "waited 50 ms then 100 ms");
});

test("sandbox gives up after its retries and says how often it tried", async () => {
  busy = 10;
  const before = server.requests.length;
  const out = await invokeTool(sandboxTool({ url: server.url, retries: 2, backoffMs: 10 }), { code: "busy" });
  busy = 0;
  assert.is(out.error, "tool_exception");
  assert.match(out.text, "answered HTTP 504 after 3 attempts: Gateway Timeout");
  assert.is(server.requests.length - before, 3);
  // a generous per-request time-out: the 500 must be what comes back, also on a loaded machine (500 ms was not)
  const crashed = await invokeTool(sandboxTool({ url: server.url, backoffMs: 10, requestTimeoutMs: 10_000 }), { code: "crash" });
  assert.match(crashed.text, "answered HTTP 500: Internal Server Error");
});

test("sandbox reports failed runs as output: time-out, exception, compile error", async () => {
  assert.is((await invokeTool(tool(), { code: "loop" })).text, "tick\nTimeoutError: the code ran longer than 3 s and was stopped");
  assert.is((await invokeTool(tool(), { code: "raise" })).text, "before\nValueError: bad\nexit code 1");
  assert.is((await invokeTool(tool(), { code: "int main(", language: "cpp" })).text, "error: expected ')'\ncompilation failed (exit code 1)");
});

test("sandbox turns SandboxError and a silent service into clear tool errors", async () => {
  const broken = await invokeTool(tool(), { code: "oops" });
  assert.equal([broken.error, broken.text], ["tool_exception", "Tool error: SandboxFusion could not run the code (SandboxError): executor pod lost"]);
  const started = performance.now();
  const slow = await invokeTool(tool(), { code: "slow" });
  assert.match(slow.text, "did not answer within 500 ms");
  assert.ok(performance.now() - started < 1400);
  const nowhere = await invokeTool(sandboxTool({ url: "http://127.0.0.1:9" }), { code: "x" });
  assert.match(nowhere.text, "could not be reached");
});

test("sandbox() needs a service URL", () => {
  assert.throws(() => sandbox({} as never), /give the url of a SandboxFusion service/);
  assert.throws(() => sandboxTool({ url: "localhost:8080" }), /must be the http\(s\) URL/);
  assert.equal(sandbox({ url: "http://127.0.0.1:1" }).tools.map((t) => t.name), ["sandbox"]);
});

test.run();
