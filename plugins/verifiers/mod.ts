/**
 * The built-in verifiers: exact match, numeric with tolerance, contains-alias (TriviaQA), last
 * `\boxed{}` (ReTool), TRL's calculator reward, format checks per parser, BFCL-style tool-call match,
 * and `perFormat` to pick one per tool-call format.
 * @module
 */
export * from "./answer.ts";
export * from "./boxed.ts";
export * from "./contains_alias.ts";
export * from "./exact.ts";
export * from "./format.ts";
export * from "./normalize.ts";
export * from "./numeric.ts";
export * from "./per_format.ts";
export * from "./tool_call_match.ts";
export * from "./trl_calculator.ts";
