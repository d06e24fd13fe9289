import { test } from "uvu";
import * as assert from "uvu/assert";
import { builtinPlugins, loadPlugin } from "./builtins.ts";
import { findTask } from "../core/plugin/load_plugin.ts";
import { invokeTool } from "../core/plugin/invoke_tool.ts";

async function errorOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("should have failed");
}

test("loadPlugin() loads a built-in by name and passes its options", async () => {
  assert.ok("calculator" in builtinPlugins);
  const plugin = await loadPlugin("calculator", { options: { decimals: 0 } });
  assert.is(plugin.name, "calculator");
  const tool = plugin.tools.find((t) => t.name === "calculator")!;
  assert.is((await invokeTool(tool, { expression: "10 / 3" })).text, "3");
  assert.is(findTask([plugin], "calculator").name, "calculator");
});

test("loadPlugin() knows every built-in and says which options a built-in needs", async () => {
  assert.equal(Object.keys(builtinPlugins).sort(), ["calculator", "http", "python", "sandbox", "wiki"]);
  const wiki = await loadPlugin("wiki");
  assert.is(findTask([wiki], "wiki").name, "wiki");
  assert.match(await errorOf(() => loadPlugin("sandbox")), "url");
  assert.match(await errorOf(() => loadPlugin("http", { options: { url: "http://127.0.0.1:1" } })), "allowHosts");
  assert.match(await errorOf(() => loadPlugin("abacus")), /no built-in plugin "abacus" \(built-ins: calculator/);
});

test("loadPlugin() still loads a module by path", async () => {
  const plugin = await loadPlugin("./core/plugin/fixtures/named_plugin.ts");
  assert.is(plugin.name, "greeter");
});

test.run();
