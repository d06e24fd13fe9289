/**
 * toolrl — teach language models to use tools with reinforcement learning.
 *
 * This module is a table of contents: the core (episodes, masks, parsers, rollout loop, policy
 * interface) and the plugin API. The trainer and the tool server have their own entry points.
 *
 * @example
 * ```ts
 * import { rollout, parsers } from "toolrl";
 * ```
 * @module
 */
export * from "./core/types.ts";
export * from "./core/tokenizer/mod.ts";
export * from "./core/episode/mod.ts";
export * from "./core/formats/mod.ts";
export * from "./core/truncate/mod.ts";
export * from "./core/policy/mod.ts";
export * from "./core/rollout/mod.ts";
export * from "./core/plugin/mod.ts";
export * from "./core/config/mod.ts";
export * from "./core/datasets/mod.ts";
export * from "./plugins/verifiers/mod.ts";
export { builtinPlugins, loadPlugin } from "./plugins/builtins.ts";
export { calculator, calculatorTask, calculatorTool } from "./plugins/calculator/mod.ts";
export type { CalculatorPluginOptions, CalculatorSample, CalculatorTaskOptions, CalculatorVariant } from "./plugins/calculator/mod.ts";
