/**
 * toolrl/policies — every `Policy` besides the engine itself: `transformersPolicy` (an exported ONNX model
 * through @huggingface/transformers), `openaiPolicy` (any /v1/completions server: vLLM, SGLang, llama.cpp),
 * and the scripted and solver policies for tests and demonstrations.
 *
 * @example
 * ```ts
 * import { openaiPolicy } from "toolrl/policies";
 * const policy = openaiPolicy({ baseUrl: "http://127.0.0.1:8000/v1", model: "qwen" });
 * ```
 * @module
 */
export * from "./core/policy/mod.ts";
export * from "./inference/mod.ts";
