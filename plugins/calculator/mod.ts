/**
 * The calculator plugin: the `calculator` tool (safe arithmetic), TRL's calculator task and its verifier.
 * @module
 */
import { definePlugin } from "../../core/plugin/define_plugin.ts";
import type { Plugin } from "../../core/types.ts";
import { calculatorTask, type CalculatorVariant } from "./task.ts";

export * from "./evaluate.ts";
export * from "./task.ts";
export * from "./tool.ts";

/** Options of {@link calculator}. */
export interface CalculatorPluginOptions {
  /** Decimals the tool rounds results to (default 2). */
  decimals?: number;
  /** Worked examples in prompts (default false). */
  fewShot?: boolean;
  /** Default problem family of the task (default `basic`). */
  variant?: CalculatorVariant;
}

/**
 * The calculator plugin: its tool, task and verifier.
 *
 * @example
 * ```ts
 * const plugin = calculator({ fewShot: true });
 * plugin.tasks[0].name; // "calculator"
 * ```
 */
export function calculator(options: CalculatorPluginOptions = {}): Plugin {
  const task = calculatorTask(options);
  return definePlugin({ name: "calculator", tools: task.tools, verifiers: [task.verifier], tasks: [task] });
}
