// The import graph of the sources (see import_graph.ts): no import circle anywhere, core/ knows no plugin,
// and the library's layers import downwards only (core → plugins → trainer, inference and server → cli).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { fileURLToPath } from "node:url";
import { importCircles, importGraph, importsIn, isTestFile, layerOf, layerViolations, sourceFiles } from "./import_graph.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const graph = importGraph(root);


test("the checker reads static, re-export, multi-line and dynamic imports, and finds circles", () => {
  const text = [
    'import { a } from "./a.ts";',
    'import type {\n  B,\n  C,\n} from "../b.ts";',
    'export * from "./c/mod.ts";',
    'import "./side.ts";',
    'const lazy = () => import("./lazy.ts");',
    ' * import { inDoc } from "./doc.ts";',
    'import { pkg } from "valibot";',
  ].join("\n");
  assert.equal(importsIn(text, "core/x/y.ts").map((i) => `${i.target}${i.dynamic ? " (dynamic)" : ""}`), [
    "core/x/a.ts",
    "core/b.ts",
    "core/x/c/mod.ts",
    "core/x/side.ts",
    "core/x/lazy.ts (dynamic)",
  ]);
  const circular = new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]], ["d", ["a"]], ["e", ["e"]]]);
  assert.equal(importCircles(circular), [["a", "b", "c"], ["e"]]);
  assert.equal(importCircles(new Map([["a", ["b"]], ["b", []]])), []);
  assert.equal(layerOf("server/server.ts")?.name, "server");
  assert.equal(layerOf("cli/main.ts")?.name, "cli");
  assert.equal(layerOf("trainer/run/train.ts")?.name, "trainer");
  assert.equal(layerOf("inference/transformers_policy.ts")?.name, "inference");
  assert.is(layerOf("bench/run.ts"), null);
  assert.ok(isTestFile("core/plugin/testing/episodes.ts") && isTestFile("core/plugin/fixtures/x.ts") && !isTestFile("core/types.ts"));
  assert.ok(isTestFile("trainer/common/testing/bigram_model.ts") && isTestFile("server/testing/fixtures.ts"));
  assert.not.ok(isTestFile("core/rollout/turn.ts") || isTestFile("cli/commands/flags.ts"));
});

test("every folder's entry file is mod.ts and no source file hides behind a _ prefix (files are named by role)", () => {
  const misnamed = sourceFiles(root).filter((file) => /(^|\/)(index\.ts|_[^/]*\.ts)$/.test(file));
  assert.equal(misnamed, []);
});

test("the graph covers the sources", () => {
  assert.ok(graph.size > 300, `only ${graph.size} files found under ${root}`);
  assert.ok(graph.get("mod.ts")!.includes("core/formats/mod.ts"));
  assert.ok(graph.get("plugins/builtins.ts")!.includes("plugins/calculator/mod.ts"), "dynamic imports are edges");
});

test("there is no import circle, type-only and dynamic imports included", () => {
  assert.equal(importCircles(graph), []);
});

test("nothing under core/ imports from plugins/ (tests included), and core's library files import only core/", () => {
  const outside: string[] = [];
  for (const [file, targets] of graph) {
    if (!file.startsWith("core/")) continue;
    for (const target of targets) {
      if (target.startsWith("plugins/") || (!isTestFile(file) && !target.startsWith("core/"))) outside.push(`${file} -> ${target}`);
    }
  }
  assert.equal(outside, []);
});

test("library files import only from their own layer or a lower one (core → plugins → trainer, server → cli)", () => {
  assert.equal(layerViolations(graph), []);
});

test("the algorithms (sft, ppo, grpo) import neither the run layer above them nor each other; trainer/common imports no algorithm", () => {
  const algorithms = ["trainer/sft/", "trainer/ppo/", "trainer/grpo/"];
  const wrong: string[] = [];
  for (const [file, targets] of graph) {
    if (isTestFile(file)) continue;
    const own = algorithms.find((prefix) => file.startsWith(prefix));
    for (const target of targets) {
      const upward = target.startsWith("trainer/run/") || target.startsWith("cli/");
      if (own && (upward || algorithms.some((prefix) => prefix !== own && target.startsWith(prefix)))) wrong.push(`${file} -> ${target}`);
      if (file.startsWith("trainer/common/") && (upward || algorithms.some((prefix) => target.startsWith(prefix)))) {
        wrong.push(`${file} -> ${target}`);
      }
    }
  }
  assert.equal(wrong, []);
});

test("the engine is below the rest of trainer/: its library files and test helpers import nothing from trainer/ outside trainer/engine/", () => {
  const wrong = [...graph].flatMap(([file, targets]) =>
    file.startsWith("trainer/engine/") && !file.endsWith("_test.ts")
      ? targets.filter((t) => t.startsWith("trainer/") && !t.startsWith("trainer/engine/")).map((t) => `${file} -> ${t}`)
      : []
  );
  assert.equal(wrong, []);
});

test("inference/ (policies that only generate) imports only core/ and trainer/engine/, and no other layer imports it", () => {
  const wrong: string[] = [];
  for (const [file, targets] of graph) {
    if (isTestFile(file)) continue;
    for (const target of targets) {
      const fromInference = file.startsWith("inference/") && !/^(core|inference|trainer\/engine)\//.test(target);
      const intoInference = layerOf(file) !== null && !file.startsWith("inference/") && target.startsWith("inference/");
      if (fromInference || intoInference) wrong.push(`${file} -> ${target}`);
    }
  }
  assert.equal(wrong, []);
});

test("the published library (core, plugins, server, trainer, inference, cli) imports nothing from bench/, demo/ or examples/", () => {
  const outside = [...graph].flatMap(([file, targets]) =>
    layerOf(file) === null || isTestFile(file)
      ? []
      : targets.filter((t) => /^(bench|demo|examples)\//.test(t)).map((t) => `${file} -> ${t}`)
  );
  assert.equal(outside, []);
});

test.run();
