/**
 * The engine: a trainable decoder-only transformer (GPT-2 and Llama/Qwen2 families) with a value head,
 * KV-cache generation with a prefix cache across calls, the `Backend` interface with its cpu reference, and the conformance suite that
 * every backend passes. Weights and tokenizer IO live in `io/mod.ts`.
 *
 * @example
 * ```ts
 * import { createModel, tinyConfig } from "./trainer/engine/mod.ts";
 * const model = await createModel(tinyConfig(tokenizer.vocabSize), { tokenizer, seed: 1 });
 * const [g] = await model.generate([tokenizer.encode("What is 2+2?")], { maxNewTokens: 16, temperature: 0 });
 * ```
 * @module
 */
export * from "./types.ts";
export * from "./backend/backend.ts";
export * from "./cpu/cpu_backend.ts";
export * from "./model/config.ts";
export * from "./model/model.ts";
export type { PrefixCacheOptions, PrefixCacheStats } from "./model/engine_decoder.ts";
export * from "./generate/generate.ts";
export * from "../../core/random/sfc32.ts";
export * from "./conformance/run.ts";
export * from "./conformance/overfit.ts";
