import { test } from "uvu";
import * as assert from "uvu/assert";
import * as v from "valibot";
import { definePlugin } from "./define_plugin.ts";
import { defineTool } from "./define_tool.ts";
import { defineVerifier } from "./define_verifier.ts";
import type { Tool } from "../types.ts";

const tool = defineTool({ name: "t", description: "d", parameters: v.object({}), run: () => "" }) as Tool;

test("definePlugin() fills empty lists", () => {
  assert.equal(definePlugin({ name: "empty" }), { name: "empty", tools: [], verifiers: [], tasks: [] });
  const plugin = definePlugin({ name: "one", tools: [tool] });
  assert.is(plugin.tools[0], tool);
});

test("definePlugin() refuses duplicate names and non-arrays", () => {
  assert.throws(() => definePlugin({ name: "dup", tools: [tool, tool] }), /two tools named "t"/);
  const check = defineVerifier({ name: "c", score: () => 0 });
  assert.throws(() => definePlugin({ name: "dup", verifiers: [check, check] }), /two verifiers named "c"/);
  assert.throws(() => definePlugin({ name: "x", tools: tool as never }), /tools/);
  assert.throws(() => definePlugin({ name: "" }), /non-empty/);
});

test("definePlugin() keeps the formats a plugin registered and refuses one that is not registered", () => {
  assert.equal(definePlugin({ name: "fmt", formats: ["hermes"] }).formats, ["hermes"]);
  assert.throws(() => definePlugin({ name: "fmt", formats: ["nosuch"] }), /format "nosuch", which is not registered; call registerFormat first/);
});

test.run();
