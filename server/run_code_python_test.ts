/**
 * `POST /run_code` with the real python tool (Pyodide): verl's exact request bodies, including the
 * script wrapper its reward code sends (`if __name__ == '__main__'`, arguments on stdin).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { definePlugin } from "../core/plugin/define_plugin.ts";
import { pythonTool } from "../plugins/python/tool.ts";
import { serve } from "./adapter/serve.ts";
import type { ServerHandle } from "./adapter/types.ts";
import { createToolServer } from "./server.ts";

const python = pythonTool({ timeoutMs: 1000, memoryLimitMb: 192 });
let server: ServerHandle;

test.before(async () => {
  await python.warm();
  server = await serve({ app: createToolServer({ plugins: [definePlugin({ name: "python", tools: [python] })] }), port: 0 });
});
test.after(async () => {
  await server.close();
  python.close();
});

/** POSTs verl's payload (Python's json.dumps of `call_sandbox_api`'s dict) and returns the parsed answer. */
async function runCode(code: string, { stdin = null as string | null, timeout = 10 } = {}) {
  const body = `{"compile_timeout": ${timeout}, "run_timeout": ${timeout}, "code": ${JSON.stringify(code)}, ` +
    `"stdin": ${JSON.stringify(stdin)}, "memory_limit_MB": 1024, "language": "python", "files": {}, "fetch_files": []}`;
  const response = await fetch(`${server.url}/run_code`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Accept": "application/json" },
    body,
  });
  assert.is(response.status, 200, "SandboxFusion answers 200 whatever the code did");
  return await response.json();
}

test("print goes to stdout, the run Succeeds with return code 0, and no last-expression echo", async () => {
  const api = await runCode("x = 6 * 7\nprint(x)\nx + 1");
  assert.is(api.status, "Success");
  assert.equal(api.run_result.status, "Finished");
  assert.is(api.run_result.return_code, 0);
  assert.is(api.run_result.stdout, "42\n");
  assert.is(api.run_result.stderr, "");
});

test("an exception Fails with return code 1 and its text on stderr, after what was printed", async () => {
  const api = await runCode("import sys\nprint('before')\nprint('warn', file=sys.stderr)\n1 / 0");
  assert.is(api.status, "Failed");
  assert.is(api.run_result.return_code, 1);
  assert.is(api.run_result.stdout, "before\n");
  assert.is(api.run_result.stderr, "warn\nZeroDivisionError: division by zero");
});

test("sys.exit and SystemExit codes reach return_code; a non-zero code Fails, as SandboxFusion reports it", async () => {
  const three = await runCode("print('partial')\nraise SystemExit(3)");
  assert.equal([three.status, three.run_result.status, three.run_result.return_code], ["Failed", "Finished", 3]);
  assert.is(three.run_result.stdout, "partial\n");
  const zero = await runCode("import sys\nprint('done')\nsys.exit()");
  assert.equal([zero.status, zero.run_result.return_code, zero.run_result.stdout], ["Success", 0, "done\n"]);
  const text = await runCode("import sys\nsys.exit('usage: x')");
  assert.equal([text.status, text.run_result.return_code, text.run_result.stderr], ["Failed", 1, "usage: x\n"]);
});

test("verl's function wrapper runs: __name__ is __main__ and arguments come from stdin", async () => {
  const code = "import sys, json\ndef add(a, b):\n    return a + b\n" +
    "if __name__ == '__main__':\n    args = [json.loads(line) for line in sys.stdin.read().split('\\n')]\n    print(json.dumps(add(*args)))";
  const api = await runCode(code, { stdin: "3\n4" });
  assert.is(api.status, "Success");
  assert.is(api.run_result.stdout, "7\n");
  const next = await runCode("import sys\nprint(repr(sys.stdin.read()))");
  assert.is(next.run_result.stdout, "''\n", "stdin does not leak into the next run");
});

test("code past run_timeout is TimeLimitExceeded and the next run works", async () => {
  const started = performance.now();
  const api = await runCode("print('spin')\nwhile True: pass", { timeout: 0.5 });
  assert.ok(performance.now() - started < 3000, "stopped near its limit");
  assert.is(api.status, "Failed");
  assert.is(api.run_result.status, "TimeLimitExceeded");
  const next = await runCode("print('alive')");
  assert.is(next.run_result.stdout, "alive\n");
});

test("run_timeout is capped by the server (limits.timeoutMs) and validated; huge values do not end at once", async () => {
  const capped = await serve({
    app: createToolServer({ plugins: [definePlugin({ name: "python", tools: [python] })], limits: { timeoutMs: 800 } }),
    port: 0,
  });
  try {
    const post = (body: string) =>
      fetch(`${capped.url}/run_code`, { method: "POST", headers: { "Content-Type": "application/json" }, body });
    const started = performance.now();
    const spin = await (await post('{"code": "while True: pass", "language": "python", "run_timeout": 1000000000}')).json();
    assert.is(spin.run_result.status, "TimeLimitExceeded");
    assert.ok(performance.now() - started < 5000, "held no longer than the server's cap");
    const sleepy = await (await post('{"code": "import time\\ntime.sleep(0.1)\\nprint(1)", "language": "python", "run_timeout": 3000000}')).json();
    assert.equal([sleepy.status, sleepy.run_result.stdout], ["Success", "1\n"], "a run_timeout over 2^31 ms does not time out at once");
    const infinite = await post('{"code": "print(1)", "language": "python", "run_timeout": 1e400}');
    assert.is(infinite.status, 400);
    assert.is((await infinite.json()).error.code, "invalid_body");
  } finally {
    await capped.close();
  }
});

test.run();
