/**
 * Checkpoint glue of a run folder:
 *
 * | folder | holds | written |
 * |---|---|---|
 * | `DIR/checkpoint/` | policy weights + value head, config, tokenizer, optimizer moments, `trainer_state.json` | every K RL steps and at the end |
 * | `DIR/reference/` | the frozen reference (the model after SFT), for the KL penalty after a resume | once, after SFT |
 *
 * Under LoRA the checkpoint also holds the adapters as PEFT writes them (`adapter_config.json` with base ".",
 * `adapter_model.safetensors`), and the reference is the base model itself (the folder's weights).
 *
 * Both are written atomically by the engine's `saveCheckpoint` (staging folder, fsync, rename).
 */
import { loadCheckpoint } from "../engine/io/checkpoint/load_checkpoint.ts";
import { saveCheckpoint } from "../engine/io/checkpoint/save_checkpoint.ts";
import { defaultFileSystem, type FileSystem, joinPath } from "../engine/io/fs/fs.ts";
import { type PeftAdapter, readPeftAdapter } from "../engine/io/lora/peft_adapter.ts";
import type { LoraConfig } from "../engine/model/lora.ts";
import type { Backend } from "../engine/backend/backend.ts";
import { createModel, type EngineModel } from "../engine/model/model.ts";
import type { Model } from "../engine/types.ts";
import type { TrainConfig } from "./config.ts";
import type { ReportEpisode, ReportEvaluation } from "./report.ts";
import { runPath } from "./run_files.ts";

/** What `trainer_state.json` holds: enough to continue a run exactly where the checkpoint left it. */
export interface TrainerState {
  version: 1;
  /** RL steps done. */
  step: number;
  /** PPO's current KL coefficient. */
  klCoef: number;
  /** The trainer's RNG state (sampling seeds, data seeds, shuffles). */
  rng: number[];
  config: TrainConfig;
  evaluations: ReportEvaluation[];
  /** SFT loss per step, for the report. */
  sftLoss: { step: number; loss: number }[];
  /** Wall time of the run so far. */
  elapsedSeconds: number;
  /** Sample episodes of the first RL step, for the report. */
  firstEpisodes?: ReportEpisode[];
  /** Sample episodes of the latest RL step, so a resume that runs no further step still reports them. */
  lastEpisodes?: ReportEpisode[];
}

/**
 * Saves the policy, its optimizer and the trainer state to `DIR/checkpoint/`.
 *
 * @example await saveRunCheckpoint("runs/calc", policy, state);
 */
export async function saveRunCheckpoint(
  dir: string,
  model: Model,
  state: TrainerState,
  options: { fs?: FileSystem } = {},
): Promise<void> {
  const lora = (model as Partial<EngineModel>).lora ?? null;
  const adapter: PeftAdapter | undefined = lora
    ? { lora, tensors: await (model as EngineModel).adapterState(), baseModel: "." }
    : undefined;
  await saveCheckpoint(runPath(dir, "checkpoint"), {
    config: model.config,
    weights: await model.stateDict(),
    tokenizer: model.tokenizer,
    optimizer: await model.optimizerState(),
    trainerState: state,
    adapter,
  }, options);
}

/**
 * Saves the frozen reference model to `DIR/reference/`.
 *
 * @example await saveReference("runs/calc", reference);
 */
export async function saveReference(dir: string, model: Model, options: { fs?: FileSystem } = {}): Promise<void> {
  await saveCheckpoint(runPath(dir, "reference"), {
    config: model.config,
    weights: await model.stateDict(),
    tokenizer: model.tokenizer,
  }, options);
}

/** The base model folder of an adapter in `dir`: ".", a path relative to `dir`, or one as given (absolute or from here). */
async function baseFolder(fs: FileSystem, dir: string, base: string): Promise<string> {
  if (base === "." || base === "") return dir;
  for (const candidate of [joinPath(dir, base), base]) if (await fs.exists(joinPath(candidate, "config.json"))) return candidate;
  throw new Error(`${dir}/adapter_config.json: base_model_name_or_path "${base}" is no model folder here or beside the adapter; give it as a path`);
}

/**
 * Loads a checkpoint folder into a new engine model (weights, value head, and optimizer moments when present).
 * A folder with `adapter_config.json` is a LoRA adapter: its base model (`base_model_name_or_path`, "." for the
 * folder itself) is loaded and the adapters on top. `lora` adds fresh adapters to a model that has none.
 *
 * @example const { model, trainerState } = await loadModel("runs/calc/checkpoint", { seed: 0 });
 */
export async function loadModel(
  checkpointDir: string,
  options: { backend?: Backend; seed?: number; fs?: FileSystem; withOptimizer?: boolean; lora?: LoraConfig | null } = {},
): Promise<{ model: EngineModel; trainerState: unknown }> {
  const fs = options.fs ?? await defaultFileSystem();
  const adapter = await readPeftAdapter(checkpointDir, { fs });
  if (adapter && options.lora) {
    throw new Error(`${checkpointDir} already holds LoRA adapters (rank ${adapter.lora.rank}); drop the lora setting to continue them`);
  }
  const checkpoint = await loadCheckpoint(adapter ? await baseFolder(fs, checkpointDir, adapter.baseModel) : checkpointDir, { fs });
  const model = await createModel(checkpoint.config, {
    tokenizer: checkpoint.tokenizer,
    backend: options.backend,
    seed: options.seed,
    lora: adapter?.lora ?? options.lora ?? null,
  });
  await model.loadStateDict(new Map([...checkpoint.weights, ...(checkpoint.valueHead ?? [])]));
  if (adapter) await model.loadAdapterState(adapter.tensors);
  if (options.withOptimizer && checkpoint.optimizer) await model.loadOptimizerState(checkpoint.optimizer);
  return { model, trainerState: checkpoint.trainerState };
}

/**
 * Reads and checks `trainer_state.json` of a run's checkpoint.
 *
 * @example const state = asTrainerState(trainerState, "runs/calc/checkpoint");
 */
export function asTrainerState(value: unknown, where: string): TrainerState {
  const state = value as Partial<TrainerState> | null;
  if (!state || state.version !== 1 || typeof state.step !== "number" || !Array.isArray(state.rng) || !state.config) {
    throw new Error(
      `${where} has no usable trainer_state.json (got ${JSON.stringify(value)?.slice(0, 120)}); resume needs a checkpoint written by "toolrl train".`,
    );
  }
  return state as TrainerState;
}

/**
 * Resets a model's optimizer to a fresh AdamW (zero moments, step 0), as when RL starts after SFT.
 *
 * @example await resetOptimizer(policy);
 */
export async function resetOptimizer(model: Model): Promise<void> {
  const state = await model.optimizerState();
  const fresh = new Map([...state].map(([name, t]) => [name, { shape: t.shape, data: new Float32Array(t.data.length) }]));
  await model.loadOptimizerState(fresh);
}
