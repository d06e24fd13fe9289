/**
 * toolrl/engine — the transformer engine (GPT-2 and Llama/Qwen2 families with a value head, cpu and wasm
 * backends, KV-cache generation, safetensors with Hugging Face names) and its ONNX export.
 *
 * @example
 * ```ts
 * import { createModel, tinyConfig } from "toolrl/engine";
 * import { charTokenizer } from "toolrl";
 * const tokenizer = charTokenizer();
 * const model = await createModel(tinyConfig(tokenizer.vocabSize), { tokenizer, seed: 0 });
 * ```
 * @module
 */
export * from "./trainer/engine/mod.ts";
export * from "./trainer/onnx/mod.ts";
