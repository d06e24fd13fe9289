/**
 * Reads a checkpoint folder written by `saveCheckpoint`, or a Hugging Face model folder on disk:
 * `config.json`, `model.safetensors` or a sharded `model.safetensors.index.json` + shards, the tokenizer,
 * and when present the value head, optimizer state and trainer state. Weights are normalised to the names
 * of `expectedTensors` and validated against the config.
 */
import type { Tokenizer } from "../../../../core/types.ts";
import type { ModelConfig } from "../../types.ts";
import { defaultFileSystem, type FileSystem, joinPath } from "../fs/fs.ts";
import { type HfConfig, hfConfigToModelConfig } from "../hf_config/hf_config.ts";
import { decodeSafetensors, type TensorMap } from "../safetensors/safetensors.ts";
import { idsOnlyTokenizer } from "../tokenizer/ids_only.ts";
import { CHAR_TOKENIZER_FILE, readTokenizer } from "../tokenizer/tokenizer_files.ts";
import { normalizeHfWeights, validateWeights } from "../weights/validate_weights.ts";
import { stagingPaths } from "../fs/atomic_folder.ts";
import { CHECKPOINT_FILES } from "./save_checkpoint.ts";
import { checkConfigAgainstWeights, checkFinite } from "./bounds.ts";

/** A loaded checkpoint. */
export interface Checkpoint {
  /** The folder actually read (`<dir>.previous` when a save was interrupted between its renames). */
  dir: string;
  config: ModelConfig;
  /** `config.json` as it was on disk. */
  hfConfig: HfConfig;
  /** Weights under `expectedTensors(config)` names, validated; the value head is not among them. */
  weights: TensorMap;
  /** `v_head.summary.weight` and `.bias`, or null when the folder has none. */
  valueHead: TensorMap | null;
  tokenizer: Tokenizer;
  optimizer: TensorMap | null;
  /** `trainer_state.json`, or null. */
  trainerState: unknown;
}


const decodeText = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

async function readJson(fs: FileSystem, path: string): Promise<unknown> {
  const text = decodeText(await fs.readFile(path));
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is not valid JSON (${(error as Error).message}): ${text.slice(0, 80)}`);
  }
}

async function readSafetensors(fs: FileSystem, path: string): Promise<TensorMap> {
  try {
    return decodeSafetensors(await fs.readFile(path)).tensors;
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`);
  }
}

async function readShards(fs: FileSystem, dir: string): Promise<TensorMap> {
  const indexPath = joinPath(dir, CHECKPOINT_FILES.modelIndex);
  const index = (await readJson(fs, indexPath)) as { weight_map?: Record<string, unknown> };
  const weightMap = index?.weight_map;
  if (!weightMap || typeof weightMap !== "object") throw new Error(`${indexPath} has no "weight_map" object.`);
  const byShard = new Map<string, string[]>();
  for (const [name, shard] of Object.entries(weightMap)) {
    if (typeof shard !== "string" || !/^[\w.-]+\.safetensors$/.test(shard) || shard.startsWith(".")) {
      throw new Error(`${indexPath}: tensor "${name}" points at ${JSON.stringify(shard)}, not a .safetensors file in the folder.`);
    }
    byShard.set(shard, [...(byShard.get(shard) ?? []), name]);
  }
  const weights: TensorMap = new Map();
  for (const [shard, names] of byShard) {
    const tensors = await readSafetensors(fs, joinPath(dir, shard));
    const absent = names.filter((name) => !tensors.has(name));
    if (absent.length > 0) {
      throw new Error(`${indexPath} places ${absent.slice(0, 5).join(", ")} in ${shard}, but that shard does not hold them.`);
    }
    for (const [name, tensor] of tensors) {
      if (weights.has(name)) throw new Error(`tensor "${name}" appears in more than one shard (again in ${shard}).`);
      weights.set(name, tensor);
    }
  }
  return weights;
}

async function readWeights(fs: FileSystem, dir: string): Promise<TensorMap> {
  if (await fs.exists(joinPath(dir, CHECKPOINT_FILES.model))) return await readSafetensors(fs, joinPath(dir, CHECKPOINT_FILES.model));
  if (await fs.exists(joinPath(dir, CHECKPOINT_FILES.modelIndex))) return await readShards(fs, dir);
  throw new Error(
    `${dir} has neither ${CHECKPOINT_FILES.model} nor ${CHECKPOINT_FILES.modelIndex}; PyTorch .bin checkpoints must be converted to safetensors first.`,
  );
}

async function resolveDir(fs: FileSystem, dir: string): Promise<string> {
  if (await fs.exists(joinPath(dir, CHECKPOINT_FILES.config))) return dir;
  const { previous } = stagingPaths(dir);
  if (!(await fs.exists(dir)) && (await fs.exists(joinPath(previous, CHECKPOINT_FILES.config)))) return previous;
  // a training run's folder holds its model in checkpoint/ (and the SFT model in reference/)
  const inner = joinPath(dir, "checkpoint");
  const hint = (await fs.exists(joinPath(inner, CHECKPOINT_FILES.config))) ? ` It is a run folder: did you mean ${inner}?` : "";
  throw new Error(`${dir} is not a checkpoint folder: ${CHECKPOINT_FILES.config} is missing.${hint}`);
}

function firstId(value: unknown): number | undefined {
  const id = Array.isArray(value) ? value[0] : value;
  return typeof id === "number" ? id : undefined;
}

/** Options of `loadCheckpoint`. */
export interface LoadCheckpointOptions {
  fs?: FileSystem;
  /** Load NaN or infinite weights instead of refusing them. */
  allowNonfinite?: boolean;
  /** A folder without tokenizer files loads with `idsOnlyTokenizer` (no text; for callers that give token ids) instead of failing. */
  allowMissingTokenizer?: boolean;
}

/**
 * Loads a checkpoint or Hugging Face model folder, validating the weights against `config.json`; NaN or infinite
 * weights are refused unless `allowNonfinite`.
 *
 * @example
 * ```ts
 * const { config, weights, tokenizer } = await loadCheckpoint("runs/calc/checkpoint");
 * await model.loadStateDict(weights);
 * ```
 */
export async function loadCheckpoint(dir: string, options: LoadCheckpointOptions = {}): Promise<Checkpoint> {
  const fs = options.fs ?? await defaultFileSystem();
  const root = await resolveDir(fs, dir);
  const hfConfig = (await readJson(fs, joinPath(root, CHECKPOINT_FILES.config))) as HfConfig;
  let config: ModelConfig;
  try {
    config = hfConfigToModelConfig(hfConfig);
  } catch (error) {
    throw new Error(`${joinPath(root, CHECKPOINT_FILES.config)}: ${(error as Error).message}`);
  }
  const raw = await readWeights(fs, root);
  try {
    checkConfigAgainstWeights(config, raw);
    if (!options.allowNonfinite) checkFinite(raw);
  } catch (error) {
    throw new Error(`${joinPath(root, CHECKPOINT_FILES.config)}: ${(error as Error).message}`);
  }
  const all = normalizeHfWeights(config, raw);
  const valueHeadPath = joinPath(root, CHECKPOINT_FILES.valueHead);
  const head: TensorMap = (await fs.exists(valueHeadPath)) ? await readSafetensors(fs, valueHeadPath) : new Map();
  const weights: TensorMap = new Map();
  for (const [name, tensor] of all) (name.startsWith("v_head.") ? head : weights).set(name, tensor);
  validateWeights(config, weights);
  if (head.size > 0) validateWeights(config, new Map([...weights, ...head]), { valueHead: true });
  const optimizerPath = joinPath(root, CHECKPOINT_FILES.optimizer);
  const statePath = joinPath(root, CHECKPOINT_FILES.trainerState);
  const eosId = firstId(hfConfig.eos_token_id);
  const tokenizerless = options.allowMissingTokenizer &&
    !(await fs.exists(joinPath(root, CHAR_TOKENIZER_FILE))) && !(await fs.exists(joinPath(root, "tokenizer.json")));
  const tokenizer = tokenizerless ? idsOnlyTokenizer(config.vocabSize, root, eosId) : await readTokenizer(root, { fs, eosId });
  return {
    dir: root,
    config,
    hfConfig,
    weights,
    valueHead: head.size > 0 ? head : null,
    tokenizer,
    optimizer: (await fs.exists(optimizerPath)) ? await readSafetensors(fs, optimizerPath) : null,
    trainerState: (await fs.exists(statePath)) ? await readJson(fs, statePath) : null,
  };
}
