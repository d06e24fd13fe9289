/**
 * Policies beyond the engine: ONNX models through `@huggingface/transformers` (inference, any runtime).
 * The OpenAI-compatible server policy is runtime-free and lives in `core/policy/openai/`.
 * @module
 */
export * from "./transformers_policy.ts";
