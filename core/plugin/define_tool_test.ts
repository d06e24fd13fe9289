import { test } from "uvu";
import * as assert from "uvu/assert";
import * as v from "valibot";
import { DEFAULT_TOOL_TIMEOUT_MS, defineTool } from "./define_tool.ts";
import { invokeTool } from "./invoke_tool.ts";
import type { Tool } from "../types.ts";

const echo = {
  name: "echo",
  description: "Repeats the text.",
  parameters: v.object({ text: v.string() }),
  run: ({ text }: { text: string }) => text,
};

test("defineTool() merges the default time-out once", () => {
  assert.is(defineTool(echo).timeoutMs, DEFAULT_TOOL_TIMEOUT_MS);
  assert.is(defineTool({ ...echo, timeoutMs: 50 }).timeoutMs, 50);
});

test("defineTool() keeps fromText and release when given, and only then", () => {
  const plain = defineTool(echo);
  assert.equal(["fromText" in plain, "release" in plain], [false, false]);
  const released: string[] = [];
  const full = defineTool({ ...echo, fromText: (q) => ({ text: q }), release: (id) => void released.push(id) });
  assert.equal(full.fromText?.("hi"), { text: "hi" });
  full.release?.("ep-1");
  assert.equal(released, ["ep-1"]);
});

test("defineTool() tools run sync, async and structured results through invokeTool", async () => {
  const sync = defineTool(echo) as Tool;
  const async = defineTool({ ...echo, run: async ({ text }) => text.toUpperCase() }) as Tool;
  const rich = defineTool({
    ...echo,
    run: ({ text }) => ({ text, reward: 0.5, metrics: { len: text.length } }),
  }) as Tool;
  assert.is((await invokeTool(sync, { text: "a" })).text, "a");
  assert.is((await invokeTool(async, { text: "a" })).text, "A");
  const out = await invokeTool(rich, { text: "abc" });
  assert.equal([out.text, out.reward, out.metrics], ["abc", 0.5, { len: 3 }]);
});

test("defineTool() validates arguments only at invocation, with the schema's issues", async () => {
  const tool = defineTool(echo) as Tool;
  const out = await invokeTool(tool, { text: 3 });
  assert.is(out.error, "invalid_arguments");
  assert.match(out.text, /text:/);
});

test("defineTool() refuses bad names, missing descriptions, non-valibot schemas and bad time-outs", () => {
  assert.throws(() => defineTool({ ...echo, name: "has space" }), /"has space"/);
  assert.throws(() => defineTool({ ...echo, description: " " }), /description/);
  assert.throws(() => defineTool({ ...echo, parameters: { type: "object" } as never }), /valibot schema/);
  assert.throws(() => defineTool({ ...echo, parameters: v.objectAsync({}) as never }), /synchronous/);
  assert.throws(() => defineTool({ ...echo, timeoutMs: 0 }), /timeoutMs 0/);
});

test.run();
