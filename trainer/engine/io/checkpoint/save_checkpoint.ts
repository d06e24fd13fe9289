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
 *
 * Atomicity: every file goes into the sibling folder `<dir>.partial` and is fsynced; then `<dir>` (if any) is
 * renamed to `<dir>.previous`, `<dir>.partial` is renamed to `<dir>`, the parent folder is fsynced and
 * `<dir>.previous` is removed. A crash at any point leaves a complete checkpoint: before the first rename the
 * old `<dir>` is untouched; between the two renames it is `<dir>.previous`, which `loadCheckpoint` falls back to.
 */
import type { Tokenizer } from "../../../../core/types.ts";
import type { ModelConfig } from "../../types.ts";
import { defaultFileSystem, type FileSystem, joinPath, parentPath } from "../fs/fs.ts";
import { modelConfigToHfConfig } from "../hf_config/hf_config.ts";
import { encodeSafetensors, type TensorMap } from "../safetensors/safetensors.ts";
import { tokenizerFiles } from "../tokenizer/tokenizer_files.ts";
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
}

/** Where the staging and the displaced folders of an atomic save live. */
export function stagingPaths(dir: string): { partial: string; previous: string } {
  const base = dir.replace(/[\\/]+$/, "");
  return { partial: `${base}.partial`, previous: `${base}.previous` };
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
  const files = renderFiles(parts);
  const { partial, previous } = stagingPaths(dir);
  const parent = parentPath(dir);
  await fs.mkdir(parent);
  await fs.remove(partial); // left by a save that crashed
  try {
    await fs.mkdir(partial);
    for (const [name, data] of files) await fs.writeFile(joinPath(partial, name), data);
    await fs.syncDir(partial);
  } catch (error) {
    await fs.remove(partial).catch(() => {});
    throw error;
  }
  const hadOld = await fs.exists(dir);
  if (hadOld) {
    await fs.remove(previous);
    await fs.rename(dir, previous);
  }
  try {
    await fs.rename(partial, dir);
  } catch (error) {
    if (hadOld) await fs.rename(previous, dir).catch(() => {});
    throw error;
  }
  await fs.syncDir(parent);
  await fs.remove(previous);
}
