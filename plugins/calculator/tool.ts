/**
 * The `calculator` tool: evaluates arithmetic safely (see `evaluate.ts`) and prints the result
 * rounded to a configurable number of decimals (TRL's calculator rounds to 2).
 */
import * as v from "valibot";
import { defineTool } from "../../core/plugin/define_tool.ts";
import type { Tool } from "../../core/types.ts";
import { evaluateExpression, formatNumber } from "./evaluate.ts";

/** Options of {@link calculatorTool}. */
export interface CalculatorToolOptions {
  /** Decimals the result is rounded to (default 2, as TRL). */
  decimals?: number;
  /** Time limit per call in milliseconds (default 1000). */
  timeoutMs?: number;
}

/** The calculator's arguments. */
export interface CalculatorArgs {
  expression: string;
}

const parameters = v.object({
  expression: v.pipe(
    v.string(),
    v.maxLength(1000),
    v.description("Arithmetic on decimals with + - * / ^ and parentheses, e.g. 13 - 4"),
  ),
});

/**
 * The calculator tool.
 *
 * @example
 * ```ts
 * const out = await invokeTool(calculatorTool(), { expression: "13 - 4" }); // out.text === "9"
 * ```
 */
export function calculatorTool(options: CalculatorToolOptions = {}): Tool<CalculatorArgs> {
  const { decimals = 2, timeoutMs = 1000 } = options;
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 15) {
    throw new Error(`calculatorTool: decimals ${decimals} must be an integer from 0 to 15.`);
  }
  return defineTool({
    name: "calculator",
    description: "Evaluates an arithmetic expression with + - * / ^ and parentheses and returns the number.",
    parameters,
    timeoutMs,
    run: ({ expression }) => formatNumber(evaluateExpression(expression), decimals),
    fromText: (query) => ({ expression: query.trim() }),
  });
}
