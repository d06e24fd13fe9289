/**
 * Weights and tokenizer IO of the engine: safetensors with Hugging Face names, `config.json` for GPT-2,
 * Llama and Qwen2, atomic checkpoint folders (sharded Hugging Face folders load too) and tokenizers
 * (the built-in char tokenizer as a Hugging Face `tokenizer.json`; Hugging Face tokenizers through
 * transformers.js from local files).
 *
 * @example
 * ```ts
 * import { loadCheckpoint, saveCheckpoint } from "./trainer/engine/io/mod.ts";
 * await saveCheckpoint("runs/calc/checkpoint", { config, weights: await model.stateDict(), tokenizer });
 * const { weights } = await loadCheckpoint("runs/calc/checkpoint");
 * ```
 * @module
 */
export * from "./safetensors/safetensors.ts";
export * from "./hf_config/hf_config.ts";
export * from "./weights/expected_tensors.ts";
export * from "./weights/validate_weights.ts";
export * from "./tokenizer/byte_level_json.ts";
export * from "./tokenizer/hf_tokenizer.ts";
export * from "./tokenizer/tokenizer_files.ts";
export * from "./checkpoint/save_checkpoint.ts";
export * from "./checkpoint/load_checkpoint.ts";
export * from "./fs/fs.ts";
