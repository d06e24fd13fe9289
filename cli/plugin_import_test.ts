import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { loadPlugin } from "../plugins/builtins.ts";
import { pluginImporter } from "./plugin_import_node.ts";
import { runtime } from "../core/runtime/mod.ts";

const modTs = pathToFileURL(new URL("../mod.ts", import.meta.url).pathname).href;

test("a .ts plugin in a folder without package.json loads, and failures name their real cause", async () => {
  const dir = await mkdtemp(join(tmpdir(), "toolrl-plugin-")); // no package.json, so no "type": "module"
  try {
    const files: Record<string, string> = {
      "good.ts": `import { definePlugin, calculatorTool } from ${JSON.stringify(modTs)};\n` +
        `const label: string = "mine";\nexport default definePlugin({ name: label, tools: [calculatorTool()] });\n`,
      "factory.ts": "export default (options?: { name?: string }) =>\n" +
        `  ({ name: options?.name ?? "f", tools: [], verifiers: [{ name: "one", score: () => 1 }], tasks: [] });\n`,
      "no_default.ts": "export const x: number = 1;\n",
      "syntax.ts": "export default {{ broken\n",
    };
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
    const importModule = await pluginImporter();
    const load = (name: string, options?: Record<string, unknown>) => loadPlugin(join(dir, name), { importModule, options });
    const good = await load("good.ts");
    assert.is(good.name, "mine");
    assert.equal(good.tools.map((t) => t.name), ["calculator"]);
    assert.is((await load("factory.ts", { name: "made" })).name, "made");
    const noDefault = String(await load("no_default.ts").then(() => "loaded", (e: Error) => e.message));
    assert.match(noDefault, /exports x; export the plugin as default/);
    const syntax = String(await load("syntax.ts").then(() => "loaded", (e: Error) => e.message));
    assert.match(syntax, /could not import ".*syntax\.ts"/);
    assert.not.match(syntax, /require\(\) ES Module|in a cycle/);
    assert.match(syntax, /syntax\.ts:1|Expected|Unexpected/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("a plugin in a CommonJS project that needs ES modules (top-level await) is told to set type: module", async () => {
  const dir = await mkdtemp(join(tmpdir(), "toolrl-cjs-plugin-"));
  try {
    await writeFile(join(dir, "package.json"), JSON.stringify({ name: "mine", type: "commonjs" }));
    await writeFile(
      join(dir, "mod.ts"),
      `import { definePlugin, calculatorTool } from ${JSON.stringify(modTs)};\n` +
        `const tools = await Promise.resolve([calculatorTool()]);\nexport default definePlugin({ name: "tla", tools });\n`,
    );
    const importModule = await pluginImporter();
    const outcome = await loadPlugin(join(dir, "mod.ts"), { importModule }).then((p) => p.name, (e: Error) => e.message);
    if (runtime === "deno") {
      assert.is(outcome, "tla", "Deno loads a .ts file as an ES module whatever package.json says");
    } else {
      assert.match(outcome, /loaded as CommonJS .*"type": "module".*npm pkg set type=module/);
      assert.match(outcome, /Top-level await/, "Node's own message follows");
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
