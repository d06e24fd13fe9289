/**
 * ONNX export of the engine's models: a protobuf writer for ONNX's messages, the decoder graph
 * (GPT-2, Llama, Qwen2, with KV cache) and the export folder that transformers.js loads.
 *
 * @example
 * ```ts
 * import { exportOnnx } from "./trainer/onnx/mod.ts";
 * await exportOnnx("runs/calculator/checkpoint", "exports/calculator");
 * ```
 * @module
 */
export * from "./export/export_onnx.ts";
export * from "./graph/decoder_graph.ts";
export * from "./graph/builder.ts";
export * from "./proto/onnx_proto.ts";
