import { test } from "uvu";
import * as assert from "uvu/assert";
import { invokeTool } from "../../core/plugin/invoke_tool.ts";
import type { Tool } from "../../core/types.ts";
import { calculatorTool } from "./tool.ts";

const calculator = calculatorTool() as Tool;

test("calculatorTool() answers TRL's problems with plain integers", async () => {
  assert.is((await invokeTool(calculator, { expression: "13 - 4" })).text, "9");
  assert.is((await invokeTool(calculator, { expression: "3 - 15" })).text, "-12");
  assert.is((await invokeTool(calculator, { expression: "48 * 49" })).text, "2352");
  assert.is((await invokeTool(calculator, { expression: "5 / 2" })).text, "2.5");
});

test("calculatorTool() rounds to 2 decimals by default and to the configured decimals", async () => {
  assert.is((await invokeTool(calculator, { expression: "10 / 3" })).text, "3.33");
  const precise = calculatorTool({ decimals: 5 }) as Tool;
  assert.is((await invokeTool(precise, { expression: "10 / 3" })).text, "3.33333");
});

test("calculatorTool() maps a raw submit-format query to its arguments", async () => {
  const out = await invokeTool(calculator, " 7 * 6 ", { rawText: true });
  assert.equal([out.text, out.error], ["42", null]);
});

test("calculatorTool() returns bad expressions as tool errors the model can read", async () => {
  const out = await invokeTool(calculator, { expression: "1 / 0" });
  assert.is(out.error, "tool_exception");
  assert.match(out.text, /^Tool error: division by zero/);
  const typo = await invokeTool(calculator, { expression: "2 $ 2" });
  assert.match(typo.text, /unexpected character "\$" at position 2/);
});

test("calculatorTool() rejects arguments that are not { expression: string }", async () => {
  const out = await invokeTool(calculator, { expr: "1+1" });
  assert.is(out.error, "invalid_arguments");
  assert.match(out.text, /expression/);
});

test("calculatorTool() refuses a nonsensical number of decimals", () => {
  assert.throws(() => calculatorTool({ decimals: -1 }), /decimals -1/);
  assert.throws(() => calculatorTool({ decimals: 1.5 }), /decimals 1.5/);
});

test.run();
