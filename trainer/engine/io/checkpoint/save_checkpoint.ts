/**
 * Writes a checkpoint folder that Hugging Face tools load as it is:
 *
 * | file | content |
 * |---|---|
 * | `model.safetensors` | the weights, F32, Hugging Face names (`__metadata__.format = "pt"`) |
 * | `config.json` | the Hugging Face config of the family (`GPT2LMHeadModel`, `LlamaForCausalLM`, `Qwen2ForCausalLM`) |
 * | `tokenizer.json`, `tokenizer_config.json` (+ `char_tokenizer.json`) | the tokenizer |
 * | `value_head.safetensors` | `v_head.summary.weight` (1, C) and `v_head.summary.bias` (1), when there is a value head |
 * | `optimizer.safetensors`, `trainer_state.json` | optimizer moments and trainer state, when given |
 * | `adapter_config.json`, `adapter_model.safetensors` | LoRA adapters as PEFT writes them, when given (base ".": this folder) |
 *
 * Atomicity: the folder is written by `writeFolderAtomically` (`<dir>.partial`, then renames), so a crash at
 * any point leaves a complete checkpoint, at `<dir>` or at `<dir>.previous`, which `loadCheckpoint` falls back to.
 */
import type { Tokenizer } from "../../../../core/types.ts";
import type { ModelConfig } from "../../types.ts";
import { defaultFileSystem, type FileSystem } from "../fs/fs.ts";
import { writeFolderAtomically } from "../fs/atomic_folder.ts";
import { modelConfigToHfConfig } from "../hf_config/hf_config.ts";
import { encodeSafetensors, type TensorMap } from "../safetensors/safetensors.ts";
import { tokenizerFiles } from "../tokenizer/tokenizer_files.ts";
import { type PeftAdapter, peftAdapterFiles } from "../lora/peft_adapter.ts";
import { VALUE_HEAD_BIAS, VALUE_HEAD_WEIGHT } from "../weights/expected_tensors.ts";
import { validateWeights } from "../weights/validate_weights.ts";

/** File names inside a checkpoint folder. */
export const CHECKPOINT_FILES = {
  model: "model.safetensors",
  modelIndex: "model.safetensors.index.json",
  config: "config.json",
  valueHead: "value_head.safetensors",
  optimizer: "optimizer.safetensors",
  trainerState: "trainer_state.json",
} as const;

/** What a checkpoint holds. */
export interface CheckpointParts {
  config: ModelConfig;
  /** Weights by Hugging Face name; `v_head.summary.*` entries here go to `value_head.safetensors`. */
  weights: TensorMap;
  /** The value head, `v_head.summary.weight` (1, C) and `v_head.summary.bias` (1). */
  valueHead?: TensorMap;
  /** The built-in char tokenizer or one from `loadHfTokenizer`. */
  tokenizer: Tokenizer;
  /** Optimizer state (`Model.optimizerState()`), any names. */
  optimizer?: TensorMap;
  /** Any JSON value (step, seed, metrics...). */
  trainerState?: unknown;
  /** LoRA adapters over these weights (PEFT files). */
  adapter?: PeftAdapter;
}

function splitValueHead(parts: CheckpointParts): { trunk: TensorMap; head: TensorMap | null } {
  const trunk: TensorMap = new Map();
  const head: TensorMap = new Map(parts.valueHead ?? []);
  for (const [name, tensor] of parts.weights) {
    if (name.startsWith("v_head.")) head.set(name, tensor);
    else trunk.set(name, tensor);
  }
  return { trunk, head: head.size > 0 ? head : null };
}

/** Validates the parts and renders every file of the checkpoint in memory. */
function renderFiles(parts: CheckpointParts): Map<string, Uint8Array | string> {
  const { config, tokenizer } = parts;
  const { trunk, head } = splitValueHead(parts);
  validateWeights(config, trunk);
  if (head) validateWeights(config, new Map([...trunk, ...head]), { valueHead: true });
  const files = new Map<string, Uint8Array | string>();
  files.set(CHECKPOINT_FILES.model, encodeSafetensors(trunk, { format: "pt" }));
  const hfConfig = modelConfigToHfConfig(config, { eosId: tokenizer.eosId, bosId: tokenizer.bosId, padId: tokenizer.padId });
  files.set(CHECKPOINT_FILES.config, JSON.stringify(hfConfig, null, 2) + "\n");
  for (const [name, data] of Object.entries(tokenizerFiles(tokenizer, { modelMaxLength: config.maxSeqLen }))) {
    files.set(name, data);
  }
  if (head) {
    const ordered: TensorMap = new Map([VALUE_HEAD_WEIGHT, VALUE_HEAD_BIAS].map((name) => [name, head.get(name)!]));
    files.set(CHECKPOINT_FILES.valueHead, encodeSafetensors(ordered, { format: "pt" }));
  }
  if (parts.adapter) for (const [name, data] of peftAdapterFiles(parts.adapter)) files.set(name, data);
  if (parts.optimizer) files.set(CHECKPOINT_FILES.optimizer, encodeSafetensors(parts.optimizer, { format: "pt" }));
  if (parts.trainerState !== undefined) {
    files.set(CHECKPOINT_FILES.trainerState, JSON.stringify(parts.trainerState, null, 2) + "\n");
  }
  return files;
}

/**
 * Saves a checkpoint folder atomically (see the module doc); the previous checkpoint at `dir` stays intact
 * until the new one is complete. Invalid weights are refused before anything is written.
 *
 * @example
 * ```ts
 * await saveCheckpoint("runs/calc/checkpoint", { config, weights: await model.stateDict(), tokenizer });
 * ```
 */
export async function saveCheckpoint(dir: string, parts: CheckpointParts, options: { fs?: FileSystem } = {}): Promise<void> {
  const fs = options.fs ?? await defaultFileSystem();
  await writeFolderAtomically(fs, dir, renderFiles(parts));
}
