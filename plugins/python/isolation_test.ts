// The attacks of issue #14 on the python tool: an episode must neither see nor change another episode, a
// later run, or the worker that serves them. Each test runs the attack for real in Pyodide.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { invokeTool } from "../../core/plugin/invoke_tool.ts";
import { createPythonRunner } from "./runner.ts";
import { pythonTool } from "./tool.ts";

const py = pythonTool({ timeoutMs: 3000, memoryLimitMb: 192 });
const call = async (code: string, episodeId = "") => (await invokeTool(py, { code }, { episodeId })).text;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Drops the import block from sys.meta_path, as hostile code would. */
const UNBLOCK = "import sys\nsys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != '_Refuse']\n";

test.before(async () => {
  await py.warm();
});
test.after(() => py.close());

test("another episode's variables cannot be found through gc.get_objects()", async () => {
  await call("class Secret:\n    pass\nsecret = Secret()", "victim-a");
  const search = "import gc\n[type(o).__name__ for o in gc.get_objects() if type(o).__name__ == 'Secret']";
  assert.is(await call(search, "victim-a"), "['Secret']", "the search finds the victim's own object");
  assert.is(await call(search, "spy-a"), "[]");
  assert.is(await call(search), "[]", "nor does a stateless run");
});

test("replacing the runner's functions found through gc forges no output for other runs", async () => {
  const forge = "import gc\nfor o in gc.get_objects():\n" +
    "    if isinstance(o, dict) and '_dumps' in o:\n" +
    "        o['_dumps'] = lambda out: '{\"value\": \"FORGED\", \"error\": null, \"timedOut\": false, \"exitCode\": null}'\n";
  await call(forge, "forger-b");
  assert.is(await call("print('real')", "other-b"), "real");
  assert.is(await call("print('real')"), "real", "a stateless run is not forged either");
});

test("an episode that drops the import block and reaches _pyodide_core cannot harm other episodes", async () => {
  await call("kept = 7", "victim-c");
  const starts = py.runners[0].stats.starts;
  // the import block is a speed bump inside the episode's own interpreter: these imports work there...
  assert.is(await call(UNBLOCK + "import pyodide.ffi, _pyodide_core\nprint('imported')", "attacker-c"), "imported");
  // ...but the JavaScript modules are unregistered in JS, and what is left reaches no other episode
  assert.match(await call(UNBLOCK + "import js", "attacker-c"), "No module named 'js'");
  assert.match(await call(UNBLOCK + "import pyodide_js", "attacker-c"), "No module named 'pyodide_js'");
  assert.match(await call(UNBLOCK + "from pyodide.code import run_js\nrun_js('1')", "attacker-c"), "No module named 'js'");
  await call(UNBLOCK + "import _pyodide_core\n_pyodide_core.trigger_fatal_error()", "attacker-c");
  assert.is(await call("kept", "victim-c"), "7", "a fatal error ends only the attacker's interpreter");
  assert.is(py.runners[0].stats.starts, starts, "the worker was not restarted");
});

test("files in /tmp, attributes on sys and patched stdlib functions reach no later run or episode", async () => {
  const plant = "open('/tmp/planted', 'w').write('x')\nimport sys, os, ast\nsys.planted = 1\n" +
    "os.urandom = lambda n: b'\\0' * n\nast.parse = None\nprint('planted')";
  assert.is(await call(plant, "planter-d"), "planted");
  const check = "import sys, os, ast\nprint(os.path.exists('/tmp/planted'), hasattr(sys, 'planted'), " +
    "os.urandom(4) == bytes(4), ast.parse is None)";
  assert.is(await call(check, "other-d"), "False False False False");
  assert.is(await call(plant), "planted");
  assert.is(await call(check), "False False False False", "stateless runs start clean too");
  assert.is(await call(check, "planter-d"), "True True True True", "the episode itself keeps what it did");
});

test("a JS callback scheduled by a run never runs after it: the worker survives and other episodes keep state", async () => {
  await call("kept = 11", "victim-e");
  const starts = py.runners[0].stats.starts;
  await call("import asyncio\nasyncio.get_event_loop().call_later(0.05, lambda: (_ for _ in ()).throw(SystemExit(9)))", "attacker-e");
  await call("import asyncio\nasyncio.get_event_loop().call_soon(lambda: exec('while True: pass'))", "attacker-e");
  await sleep(300);
  assert.is(await call("kept", "victim-e"), "11");
  assert.is(py.runners[0].stats.starts, starts, "the worker was not restarted");
});

test("a worker keeps at most maxEpisodes interpreters: past it the least recently used episode starts afresh", async () => {
  const runner = createPythonRunner({ memoryLimitMb: 192, maxEpisodes: 2 });
  try {
    const run = async (code: string, namespace: string) => {
      const out = await runner.run(code, { timeoutMs: 3000, namespace });
      return out.value ?? out.error;
    };
    for (const name of ["a", "b", "c"]) await run(`name = '${name}'`, name);
    assert.is(await run("name", "c"), "'c'");
    assert.is(await run("name", "b"), "'b'");
    assert.match(await run("name", "a") ?? "", "NameError");
  } finally {
    runner.close();
  }
});

test("a worker's interpreters together stay under maxTotalMemoryMb: the idlest episodes are dropped to make room", async () => {
  const runner = createPythonRunner({ memoryLimitMb: 128, maxTotalMemoryMb: 180 });
  try {
    const run = async (code: string, namespace: string) => {
      const out = await runner.run(code, { timeoutMs: 5000, namespace });
      return out.value ?? out.error;
    };
    assert.is(await run("x = bytearray(70 * 2**20)\nlen(x)", "a"), String(70 * 2 ** 20));
    assert.is(await run("x = bytearray(70 * 2**20)\nlen(x)", "b"), String(70 * 2 ** 20));
    assert.is(await run("len(x)", "b"), String(70 * 2 ** 20));
    assert.match(await run("len(x)", "a") ?? "", "NameError", "the idlest episode was dropped to make room");
    assert.match(await run("y = [bytearray(50 * 2**20) for _ in range(4)]", "c") ?? "", /^MemoryError/);
  } finally {
    runner.close();
  }
});

test("shareInterpreter: episodes keep their own names in one interpreter, which gc.get_objects() shows is shared", async () => {
  const runner = createPythonRunner({ memoryLimitMb: 192, shareInterpreter: true });
  try {
    const run = async (code: string, namespace: string) => {
      const out = await runner.run(code, { timeoutMs: 3000, namespace });
      return out.value ?? out.error;
    };
    await run("class Secret:\n    pass\nsecret = Secret()", "a");
    assert.match(await run("secret", "b") ?? "", "NameError");
    assert.is(await run("import gc\nlen([o for o in gc.get_objects() if type(o).__name__ == 'Secret'])", "b"), "1", "not isolated");
    runner.drop("a");
    assert.match(await run("secret", "a") ?? "", "NameError");
    await run("import asyncio\nasyncio.get_event_loop().call_later(0.05, lambda: (_ for _ in ()).throw(SystemExit(9)))", "c");
    await sleep(300);
    assert.is(await run("1 + 1", "c"), "2");
    assert.is(runner.stats.starts, 1, "one worker, its scheduled callback never ran");
  } finally {
    runner.close();
  }
});

test.run();
