/**
 * Safe arithmetic: a recursive-descent parser and evaluator for `+ - * / ^ ( )` on decimals, with
 * unary minus and right-associative `^`. No `eval`, no `Function`.
 *
 * Grammar (precedence lowest first; `^` binds tighter than unary minus, so `-2^2` is -4):
 *   sum     := product (("+" | "-") product)*
 *   product := unary (("*" | "/") unary)*
 *   unary   := ("-" | "+") unary | power
 *   power   := atom ("^" unary)?
 *   atom    := number | "(" sum ")"
 *   number  := digits ["." digits] | "." digits
 */

interface Cursor {
  text: string;
  pos: number;
}

function fail(message: string, cursor: Cursor): never {
  throw new Error(`${message} in "${cursor.text}"`);
}

function skipSpaces(cursor: Cursor): void {
  while (cursor.pos < cursor.text.length && /\s/.test(cursor.text[cursor.pos])) cursor.pos++;
}

function peek(cursor: Cursor): string | undefined {
  skipSpaces(cursor);
  return cursor.text[cursor.pos];
}

function describe(char: string | undefined, cursor: Cursor): string {
  return char === undefined
    ? "unexpected end of expression"
    : `unexpected character "${char}" at position ${cursor.pos}`;
}

function parseSum(cursor: Cursor): number {
  let value = parseProduct(cursor);
  for (let op = peek(cursor); op === "+" || op === "-"; op = peek(cursor)) {
    cursor.pos++;
    const right = parseProduct(cursor);
    value = op === "+" ? value + right : value - right;
  }
  return value;
}

function parseProduct(cursor: Cursor): number {
  let value = parseUnary(cursor);
  for (let op = peek(cursor); op === "*" || op === "/"; op = peek(cursor)) {
    const at = cursor.pos;
    cursor.pos++;
    const right = parseUnary(cursor);
    if (op === "/" && right === 0) fail(`division by zero at position ${at}`, cursor);
    value = op === "*" ? value * right : value / right;
  }
  return value;
}

function parseUnary(cursor: Cursor): number {
  const sign = peek(cursor);
  if (sign === "-" || sign === "+") {
    cursor.pos++;
    const operand = parseUnary(cursor);
    return sign === "-" ? -operand : operand;
  }
  return parsePower(cursor);
}

function parsePower(cursor: Cursor): number {
  const base = parseAtom(cursor);
  if (peek(cursor) !== "^") return base;
  cursor.pos++;
  return Math.pow(base, parseUnary(cursor));
}

function parseAtom(cursor: Cursor): number {
  const char = peek(cursor);
  if (char === "(") {
    const open = cursor.pos;
    cursor.pos++;
    const value = parseSum(cursor);
    if (peek(cursor) !== ")") {
      const found = cursor.pos < cursor.text.length ? `; ${describe(peek(cursor), cursor)}` : "";
      fail(`unbalanced parentheses: "(" at position ${open} is never closed${found}`, cursor);
    }
    cursor.pos++;
    return value;
  }
  const match = /^(\d+(\.\d*)?|\.\d+)/.exec(cursor.text.slice(cursor.pos));
  if (!match) {
    if (char === ")") fail(`unbalanced parentheses: ")" at position ${cursor.pos} has no matching "("`, cursor);
    fail(`expected a number or "(" but found ${describe(char, cursor)}`, cursor);
  }
  cursor.pos += match[0].length;
  return Number(match[0]);
}

/**
 * Evaluates an arithmetic expression; throws an error naming the problem and its position.
 *
 * @example
 * ```ts
 * evaluateExpression("2 * (3 + 4) ^ 2"); // 98
 * ```
 */
export function evaluateExpression(expression: string): number {
  const cursor: Cursor = { text: expression, pos: 0 };
  if (peek(cursor) === undefined) throw new Error("empty expression; write arithmetic such as 13 - 4");
  const value = parseSum(cursor);
  const rest = peek(cursor);
  if (rest === ")") fail(`unbalanced parentheses: ")" at position ${cursor.pos} has no matching "("`, cursor);
  if (rest !== undefined) fail(describe(rest, cursor), cursor);
  if (!Number.isFinite(value)) fail(`the result is not a finite number (${value})`, cursor);
  return value;
}

/**
 * Rounds to `decimals` places and prints integers without a decimal point.
 *
 * @example
 * ```ts
 * formatNumber(2.5, 2); // "2.5"
 * formatNumber(9, 2);   // "9"
 * ```
 */
export function formatNumber(value: number, decimals: number): string {
  const factor = 10 ** decimals;
  const rounded = Math.round(Math.abs(value) * factor) / factor;
  const signed = value < 0 ? -rounded : rounded;
  return Object.is(signed, -0) ? "0" : String(signed);
}
