/**
 * `toolrl merge-lora <adapter-dir> <out>`: the adapters folded into their base weights (W + alpha/r · B A), written as
 * a plain checkpoint (config, weights, value head, tokenizer) that loads without PEFT.
 */
import type { CliIO } from "../io.ts";
import { saveCheckpoint } from "../../trainer/engine/io/checkpoint/save_checkpoint.ts";
import { defaultFileSystem } from "../../trainer/engine/io/fs/fs.ts";
import { mergeLora } from "../../trainer/engine/io/lora/merge_lora.ts";
import { loadModel } from "../../trainer/run/checkpoint.ts";
import { readFlags } from "./flags.ts";

export const help = `toolrl merge-lora <adapter-dir> <out> [--overwrite]

Reads a LoRA adapter folder (adapter_config.json + adapter_model.safetensors, its base model from
base_model_name_or_path; a run's checkpoint/ of a --set lora.* run is one) and writes <out>: the base weights
with every adapter merged in, W' = W + (lora_alpha / r) · B A, and the value head and tokenizer.`;

/** Runs `toolrl merge-lora`; prints `{"out", "merged"}` (the number of adapted weights) on stdout. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const { flags, positional } = readFlags(argv, { overwrite: "boolean" });
  if (positional.length !== 2) throw new Error(`give the adapter folder and the output folder (got ${positional.length} arguments)`);
  const [dir, out] = positional;
  if ((await (await defaultFileSystem()).exists(out)) && flags.overwrite !== true) throw new Error(`${out} exists; pass --overwrite to replace it`);
  const { model } = await loadModel(dir);
  if (!model.lora) throw new Error(`${dir} holds no LoRA adapters (no adapter_config.json); nothing to merge`);
  const adapters = await model.adapterState();
  const weights = mergeLora(await model.stateDict(), adapters, model.lora);
  await saveCheckpoint(out, { config: model.config, weights, tokenizer: model.tokenizer });
  io.stdout(JSON.stringify({ out, merged: adapters.size / 2 }) + "\n");
  model.dispose();
  return 0;
}
