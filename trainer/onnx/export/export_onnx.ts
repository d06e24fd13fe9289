/**
 * ONNX export: a folder that `@huggingface/transformers` loads as a text-generation model from local
 * files, and that onnxruntime (web or native) runs directly:
 *
 * | file | content |
 * |---|---|
 * | `config.json` | the Hugging Face config, plus `"transformers.js_config": {"dtype": "fp32"}` so every device loads `model.onnx` |
 * | `generation_config.json` | EOS, BOS and pad ids |
 * | `tokenizer.json`, `tokenizer_config.json` (+ `char_tokenizer.json`) | the tokenizer, as in a checkpoint |
 * | `onnx/model.onnx` | the decoder with KV cache (see `../graph/decoder_graph.ts`), opset 17, float32 |
 *
 * The folder is written atomically (into `<dir>.partial`, then renamed), like a checkpoint.
 */
import type { Tokenizer } from "../../../core/types.ts";
import { loadCheckpoint } from "../../engine/io/checkpoint/load_checkpoint.ts";
import { writeFilesInPlace } from "../../engine/io/fs/atomic_folder.ts";
import { defaultFileSystem, type FileSystem } from "../../engine/io/fs/fs.ts";
import { type HfConfig, modelConfigToHfConfig } from "../../engine/io/hf_config/hf_config.ts";
import type { TensorMap } from "../../engine/io/safetensors/safetensors.ts";
import { tokenizerFiles } from "../../engine/io/tokenizer/tokenizer_files.ts";
import type { ModelConfig } from "../../engine/types.ts";
import { decoderGraph } from "../graph/decoder_graph.ts";
import { encodeOnnxModel } from "../proto/onnx_proto.ts";

/** The ONNX operator set the graph uses. */
export const ONNX_OPSET = 17;
/** Where transformers.js looks for the fp32 decoder. */
export const ONNX_MODEL_FILE = "onnx/model.onnx";
/** A protobuf message cannot exceed 2 GiB; larger models would need ONNX external data. */
const MAX_PROTO_BYTES = 2 ** 31 - 1;

/** What an export needs: a model config, its HF-named weights and its tokenizer. */
export interface OnnxExportParts {
  config: ModelConfig;
  weights: TensorMap;
  tokenizer: Tokenizer;
  /** The checkpoint's `config.json`, kept as it is (else one is written from `config`). */
  hfConfig?: HfConfig;
}

/**
 * Every file of the export folder, by relative path (runtime-free; browsers can zip or serve them).
 *
 * @example
 * ```ts
 * const files = onnxExportFiles({ config, weights: await model.stateDict(), tokenizer });
 * files.get("onnx/model.onnx"); // Uint8Array
 * ```
 */
export function onnxExportFiles(parts: OnnxExportParts): Map<string, Uint8Array | string> {
  const { config, tokenizer } = parts;
  const weights = new Map([...parts.weights].filter(([name]) => !name.startsWith("v_head.")));
  const bytes = [...weights.values()].reduce((n, t) => n + t.data.byteLength, 0);
  if (bytes > MAX_PROTO_BYTES) {
    throw new Error(
      `ONNX export: the weights take ${bytes} bytes, over the 2 GiB a single .onnx file can hold; export a smaller model.`,
    );
  }
  const ids = { eosId: tokenizer.eosId, bosId: tokenizer.bosId, padId: tokenizer.padId };
  const hfConfig = {
    ...(parts.hfConfig ?? modelConfigToHfConfig(config, ids)),
    "transformers.js_config": { dtype: "fp32", use_external_data_format: false },
  };
  const generationConfig = {
    bos_token_id: tokenizer.bosId ?? undefined,
    eos_token_id: tokenizer.eosId,
    pad_token_id: tokenizer.padId,
  };
  const model = encodeOnnxModel({
    graph: decoderGraph(config, weights),
    opset: ONNX_OPSET,
    producerName: "toolrl",
    producerVersion: "0.1.0",
    docString: `toolrl ${config.family} decoder (${config.nLayer} layers, C ${config.nEmbd}, V ${config.vocabSize})`,
  });
  const files = new Map<string, Uint8Array | string>();
  files.set("config.json", JSON.stringify(hfConfig, null, 2) + "\n");
  files.set("generation_config.json", JSON.stringify(generationConfig, null, 2) + "\n");
  for (const [name, data] of Object.entries(tokenizerFiles(tokenizer, { modelMaxLength: config.maxSeqLen }))) {
    files.set(name, data);
  }
  files.set(ONNX_MODEL_FILE, model);
  return files;
}

/** What an export wrote. */
export interface OnnxExportSummary {
  dir: string;
  config: ModelConfig;
  /** Parameters in the ONNX graph (the value head is not exported). */
  parameters: number;
  /** Size of `onnx/model.onnx`. */
  onnxBytes: number;
  /** Relative paths of the files written. */
  files: string[];
}

/**
 * Writes the export folder for `parts` at `dir`, atomically (a previous folder is replaced whole).
 *
 * @example
 * ```ts
 * await writeOnnxExport("exports/calc", { config, weights: await model.stateDict(), tokenizer });
 * ```
 */
export async function writeOnnxExport(
  dir: string,
  parts: OnnxExportParts,
  options: { fs?: FileSystem } = {},
): Promise<OnnxExportSummary> {
  const fs = options.fs ?? await defaultFileSystem();
  const files = onnxExportFiles(parts);
  await writeFilesInPlace(fs, dir, files);
  const parameters = [...parts.weights].reduce((n, [name, t]) => n + (name.startsWith("v_head.") ? 0 : t.data.length), 0);
  return { dir, config: parts.config, parameters, onnxBytes: files.get(ONNX_MODEL_FILE)!.length, files: [...files.keys()] };
}

/**
 * Exports a checkpoint folder (ours or a Hugging Face GPT-2/Llama/Qwen2 folder) to ONNX at `outDir`.
 *
 * @example
 * ```ts
 * const { onnxBytes } = await exportOnnx("runs/calculator/checkpoint", "exports/calculator");
 * ```
 */
export async function exportOnnx(
  checkpointDir: string,
  outDir: string,
  options: { fs?: FileSystem } = {},
): Promise<OnnxExportSummary> {
  const fs = options.fs ?? await defaultFileSystem();
  return await writeOnnxExport(outDir, await loadCheckpoint(checkpointDir, { fs }), { fs });
}
