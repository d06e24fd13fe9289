import { test } from "uvu";
import * as assert from "uvu/assert";
import { evaluateExpression, formatNumber } from "./evaluate.ts";

test("evaluateExpression() follows the usual precedence", () => {
  assert.is(evaluateExpression("2 + 3 * 4"), 14);
  assert.is(evaluateExpression("(2 + 3) * 4"), 20);
  assert.is(evaluateExpression("10 - 4 - 3"), 3);
  assert.is(evaluateExpression("12 / 3 / 2"), 2);
  assert.is(evaluateExpression("2 * 3 ^ 2"), 18);
});

test("evaluateExpression() makes ^ right-associative and binds it tighter than unary minus", () => {
  assert.is(evaluateExpression("2 ^ 3 ^ 2"), 512);
  assert.is(evaluateExpression("-2 ^ 2"), -4);
  assert.is(evaluateExpression("(-2) ^ 2"), 4);
  assert.is(evaluateExpression("2 ^ -1"), 0.5);
});

test("evaluateExpression() reads decimals, unary signs and spaces", () => {
  assert.is(evaluateExpression(" -1.5 + .5 "), -1);
  assert.is(evaluateExpression("--3"), 3);
  assert.is(evaluateExpression("3 - -2"), 5);
  assert.is(evaluateExpression("+4*2."), 8);
  assert.ok(Math.abs(evaluateExpression("0.1 + 0.2") - 0.3) < 1e-12);
});

function errorOf(expression: string): string {
  try {
    evaluateExpression(expression);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`"${expression}" should have failed`);
}

test("evaluateExpression() reports division by zero, even by a computed zero", () => {
  assert.match(errorOf("4 / 0"), /division by zero at position 2/);
  assert.match(errorOf("1 / (3 - 3)"), /division by zero/);
});

test("evaluateExpression() names an unexpected character and its position", () => {
  assert.match(errorOf("2 + x"), /unexpected character "x" at position 4/);
  assert.match(errorOf("2 3"), /unexpected character "3" at position 2/);
  assert.match(errorOf("alert(1)"), /"a" at position 0/);
  assert.match(errorOf("2 +"), /unexpected end of expression/);
});

test("evaluateExpression() reports unbalanced parentheses on either side", () => {
  assert.match(errorOf("(1 + 2"), /"\(" at position 0 is never closed/);
  assert.match(errorOf("1 + 2)"), /"\)" at position 5 has no matching "\("/);
  assert.match(errorOf(")"), /has no matching/);
});

test("evaluateExpression() refuses empty input and non-finite results", () => {
  assert.match(errorOf("   "), /empty expression/);
  assert.match(errorOf("10 ^ 400"), /not a finite number/);
  assert.match(errorOf("(-8) ^ 0.5"), /not a finite number \(NaN\)/);
});

test("formatNumber() rounds and prints integers without a decimal point", () => {
  assert.is(formatNumber(9, 2), "9");
  assert.is(formatNumber(-12, 2), "-12");
  assert.is(formatNumber(2.5, 2), "2.5");
  assert.is(formatNumber(1 / 3, 2), "0.33");
  assert.is(formatNumber(-2 / 3, 2), "-0.67");
  assert.is(formatNumber(2 / 3, 4), "0.6667");
  assert.is(formatNumber(-0.001, 2), "0");
  assert.is(formatNumber(7.6, 0), "8");
});

test.run();
