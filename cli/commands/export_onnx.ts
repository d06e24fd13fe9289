/**
 * `toolrl export-onnx <checkpoint-dir> <out-dir>`: writes a folder that `@huggingface/transformers`
 * loads as a text-generation model from local files (config.json, generation_config.json, tokenizer
 * files, onnx/model.onnx) and that onnxruntime runs directly. Prints one JSON line describing it.
 */
import type { CliIO } from "../io.ts";
import { tryReadFlags } from "./flags.ts";
import { nodeRunFiles } from "../../trainer/run/run_files_node.ts";
import { exportOnnx, ONNX_MODEL_FILE, ONNX_OPSET } from "../../trainer/onnx/export/export_onnx.ts";

export const help = `toolrl export-onnx <checkpoint-dir> <out-dir>

Exports a checkpoint (ours, or a Hugging Face GPT-2 / Llama / Qwen2 folder with safetensors) to ONNX:
  <out-dir>/config.json, generation_config.json, tokenizer.json, tokenizer_config.json,
  <out-dir>/${ONNX_MODEL_FILE}   float32 decoder with KV cache, opset ${ONNX_OPSET}
The folder loads in transformers.js (AutoModelForCausalLM / pipeline("text-generation") with
env.allowRemoteModels = false) and in onnxruntime-web / onnxruntime-node. The export's files are written
one by one (each atomically) and nothing else in <out-dir> is touched; <out-dir> may be "." . A folder
that holds other files and no earlier export is refused unless --overwrite is given. Prints
{"out": ..., "family": ..., "parameters": ..., "onnxBytes": ...} on stdout.

  --overwrite    write the export into a folder that holds other files`;

/** Runs `toolrl export-onnx`; exit code 2 for bad arguments. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const read = tryReadFlags(argv, { overwrite: "boolean" });
  const positional = typeof read === "string" ? [] : read.positional;
  const overwrite = typeof read !== "string" && read.flags.overwrite === true;
  if (typeof read === "string" || positional.length !== 2) {
    const why = typeof read === "string" ? read : `expected 2 folders, got ${positional.length}`;
    io.stderr(`toolrl export-onnx: ${why}; usage: toolrl export-onnx <checkpoint-dir> <out-dir>\n`);
    return 2;
  }
  const [checkpointDir, outDir] = positional;
  const names = await nodeRunFiles().entries(outDir);
  const isExport = names !== null && names.includes("config.json") && names.includes("onnx");
  if (names !== null && names.length > 0 && !isExport && !overwrite) {
    const shown = names.slice(0, 3).join(", ") + (names.length > 3 ? ", ..." : "");
    io.stderr(`toolrl export-onnx: ${outDir} holds other files (${shown}) and no export; pass --overwrite to write into it anyway (nothing else in it is removed).\n`);
    return 2;
  }
  const { config, parameters, onnxBytes } = await exportOnnx(checkpointDir, outDir);
  io.stdout(JSON.stringify({ out: outDir, family: config.family, parameters, onnxBytes, opset: ONNX_OPSET }) + "\n");
  return 0;
}
