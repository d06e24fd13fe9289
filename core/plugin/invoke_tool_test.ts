import { test } from "uvu";
import * as assert from "uvu/assert";
import * as v from "valibot";
import { invokeTool } from "./invoke_tool.ts";
import type { Tool } from "../types.ts";

const add: Tool<{ a: number; b: number }> = {
  name: "add",
  description: "adds two numbers",
  parameters: v.object({ a: v.number(), b: v.number() }),
  run: ({ a, b }) => String(a + b),
  timeoutMs: 1000,
  fromText: (q) => {
    const [a, b] = q.split("+").map(Number);
    return { a, b };
  },
};

test("invokeTool() validates and runs a tool", async () => {
  const out = await invokeTool(add as Tool, { a: 2, b: 3 });
  assert.equal([out.text, out.error], ["5", null]);
});

test("invokeTool() reports schema issues with their paths instead of running", async () => {
  let ran = false;
  const tool = { ...add, run: () => (ran = true, "x") } as Tool;
  const out = await invokeTool(tool, { a: "2" });
  assert.is(out.error, "invalid_arguments");
  assert.ok(out.text.includes("a:"), out.text);
  assert.ok(out.text.includes("b:"), out.text);
  assert.is(ran, false);
});

test("invokeTool() maps raw submit-format text through fromText", async () => {
  const out = await invokeTool(add as Tool, "4+5", { rawText: true });
  assert.is(out.text, "9");
});

test("invokeTool() reports a fromText that throws as invalid arguments", async () => {
  const tool = { ...add, fromText: () => { throw new Error("no plus sign"); } } as Tool;
  const out = await invokeTool(tool, "45", { rawText: true });
  assert.equal([out.error, out.text], ["invalid_arguments", "Invalid arguments for add: no plus sign"]);
});

test("invokeTool() turns a thrown error into tool_exception", async () => {
  const tool = { ...add, run: () => { throw new Error("boom"); } } as Tool;
  const out = await invokeTool(tool, { a: 1, b: 1 });
  assert.equal([out.error, out.text], ["tool_exception", "Tool error: boom"]);
});

test("invokeTool() times out a tool that never returns and aborts its signal", async () => {
  let aborted = false;
  const tool = {
    ...add,
    timeoutMs: 50,
    run: (_: unknown, ctx: { signal: AbortSignal }) =>
      new Promise<string>(() => ctx.signal.addEventListener("abort", () => (aborted = true))),
  } as Tool;
  const t0 = performance.now();
  const out = await invokeTool(tool, { a: 1, b: 1 });
  assert.is(out.error, "timeout");
  assert.ok(performance.now() - t0 < 1000);
  assert.ok(aborted);
});

test("invokeTool() passes rewards and metrics of structured results", async () => {
  const tool = { ...add, run: () => ({ text: "ok", reward: 0.5, metrics: { n: 1 } }) } as Tool;
  const out = await invokeTool(tool, { a: 1, b: 1 });
  assert.equal([out.text, out.reward, out.metrics], ["ok", 0.5, { n: 1 }]);
});

test.run();
