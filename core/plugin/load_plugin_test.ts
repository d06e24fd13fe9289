import { test } from "uvu";
import * as assert from "uvu/assert";
import { createPluginLoader, findTask, isPluginPath } from "./load_plugin.ts";
import { invokeTool } from "./invoke_tool.ts";
import { plugin as greeter } from "./fixtures/named_plugin.ts";
import { definePlugin } from "./define_plugin.ts";

// A loader with one stand-in built-in (the real table lives in plugins/builtins.ts, tested there).
const loadPlugin = createPluginLoader({
  greeter: (options) => greeter(options as { greeting?: string }),
  needy: (options) => {
    if (options?.url === undefined) throw new Error("the needy plugin needs the option url");
    return definePlugin({ name: "needy" });
  },
});

const here = new URL("./", import.meta.url);

async function errorOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("should have failed");
}

test("isPluginPath() tells paths from built-in names", () => {
  for (const path of ["./x.ts", "../a/b", "/abs/mod.ts", "C:\\p\\mod.ts", "file:///m.ts", "mine.ts"]) {
    assert.ok(isPluginPath(path), path);
  }
  for (const name of ["calculator", "python", "wiki"]) assert.not.ok(isPluginPath(name), name);
});

test("a loader loads a built-in of its table by name and passes its options", async () => {
  const plugin = await loadPlugin("greeter", { options: { greeting: "hey" } });
  assert.is(plugin.name, "greeter");
  assert.is((await invokeTool(plugin.tools[0], { who: "bo" })).text, "hey bo");
  assert.match(await errorOf(() => loadPlugin("needy")), /factory of|needs the option url/);
});

test("a loader with no built-ins says so for a name", async () => {
  assert.match(await errorOf(() => createPluginLoader({})("calculator")), /no built-in plugin "calculator" \(built-ins: none\)/);
});

test("loadPlugin() loads a module's named `plugin` factory relative to a base", async () => {
  const plugin = await loadPlugin("./fixtures/named_plugin.ts", { base: here, options: { greeting: "hi" } });
  assert.is(plugin.name, "greeter");
  assert.is((await invokeTool(plugin.tools[0], { who: "ada" })).text, "hi ada");
});

test("loadPlugin() resolves relative paths against the working directory by default", async () => {
  const plugin = await loadPlugin("./core/plugin/fixtures/named_plugin.ts");
  assert.is(plugin.name, "greeter");
});

test("loadPlugin() says what is wrong with an unknown name, a missing file or a module without a plugin", async () => {
  assert.match(await errorOf(() => loadPlugin("abacus")), /no built-in plugin "abacus" \(built-ins: greeter, needy\)/);
  assert.match(
    await errorOf(() => loadPlugin("./fixtures/missing.ts", { base: here })),
    /could not import "\.\/fixtures\/missing\.ts"/,
  );
  assert.match(
    await errorOf(() => loadPlugin("./fixtures/no_plugin.ts", { base: here })),
    /exports answer; export the plugin as default/,
  );
  assert.match(
    await errorOf(() => loadPlugin("./fixtures/bad_task.ts", { base: here })),
    /task "half-done" without samples, prompt, solve/,
  );
});

test("loadPlugin() tells a plugin loaded as CommonJS to become an ES module, not that it is in an import cycle", async () => {
  // What Node 22+ throws when a CommonJS-compiled plugin require()s an ES module still evaluating.
  const cycle = Object.assign(new Error("Cannot require() ES Module /p/tool.ts in a cycle. (from /p/mod.ts)"), { code: "ERR_REQUIRE_CYCLE_MODULE" });
  const importModule = () => Promise.reject(cycle);
  const message = await errorOf(() => loadPlugin("./mine/mod.ts", { base: here, importModule }));
  assert.match(message, /could not import "\.\/mine\/mod\.ts".*loaded as CommonJS/);
  assert.match(message, /npm pkg set type=module.*\.mjs/);
  assert.match(message, /Node said: Cannot require\(\) ES Module/, "the original cause stays at the end");
  const syntax = () => Promise.reject(new SyntaxError("Unexpected token '{'"));
  assert.not.match(await errorOf(() => loadPlugin("./mine/mod.ts", { base: here, importModule: syntax })), /CommonJS/);
});

test("findTask() lists the known tasks when the name is missing", () => {
  const task = { name: "calculator" } as Parameters<typeof findTask>[0][number]["tasks"][number];
  const plugin = definePlugin({ name: "calc", tasks: [task] });
  assert.is(findTask([plugin], "calculator"), task);
  assert.throws(() => findTask([plugin], "chess"), /no task "chess" .*tasks: calculator/);
});

test("loadPlugin() times out a factory that never settles, naming the file", async () => {
  const message = await errorOf(() => loadPlugin("./fixtures/never_settles.ts", { base: here, timeoutMs: 200 }));
  assert.match(message, /the factory of "\.\/fixtures\/never_settles\.ts" did not settle within 200 ms/);
});

test("loadPlugin() names the file for tools: [null], export default null, a throwing factory and a __proto__ tool", async () => {
  const cases: [string, RegExp][] = [
    ["null_tool", /null_tool\.ts" has tools\[0\] = null/],
    ["default_null", /default_null\.ts" exports null/],
    ["throwing_factory", /factory of "\.\/fixtures\/throwing_factory\.ts" threw: no config found/],
    ["proto_tool", /proto_tool\.ts" has a tool named "__proto__"/],
  ];
  for (const [name, expected] of cases) assert.match(await errorOf(() => loadPlugin(`./fixtures/${name}.ts`, { base: here })), expected);
});

test("loadPlugin() refuses a plugin.json and a plugin with no tools, verifiers or tasks, naming the file", async () => {
  assert.match(
    await errorOf(() => loadPlugin("./fixtures/plugin.json", { base: here })),
    /"\.\/fixtures\/plugin\.json" is a JSON file, which cannot hold tools/,
  );
  assert.match(await errorOf(() => loadPlugin("plugin.json", { base: here })), /"plugin\.json" is a JSON file/);
  assert.match(
    await errorOf(() => loadPlugin("./fixtures/no_tools.ts", { base: here })),
    /"\.\/fixtures\/no_tools\.ts" \(plugin "nothing"\) has no tools, verifiers, tasks or formats/,
  );
});

test.run();
