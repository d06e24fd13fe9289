/**
 * Checkpoint glue of a run folder:
 *
 * | folder | holds | written |
 * |---|---|---|
 * | `DIR/checkpoint/` | policy weights + value head, config, tokenizer, optimizer moments, `trainer_state.json` | every K RL steps and at the end |
 * | `DIR/reference/` | the frozen reference (the model after SFT), for the KL penalty after a resume | once, after SFT |
 *
 * Both are written atomically by the engine's `saveCheckpoint` (staging folder, fsync, rename).
 */
import { loadCheckpoint } from "../engine/io/checkpoint/load_checkpoint.ts";
import { saveCheckpoint } from "../engine/io/checkpoint/save_checkpoint.ts";
import type { FileSystem } from "../engine/io/fs/fs.ts";
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
  await saveCheckpoint(runPath(dir, "checkpoint"), {
    config: model.config,
    weights: await model.stateDict(),
    tokenizer: model.tokenizer,
    optimizer: await model.optimizerState(),
    trainerState: state,
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

/**
 * Loads a checkpoint folder into a new engine model (weights, value head, and optimizer moments when present).
 *
 * @example const { model, trainerState } = await loadModel("runs/calc/checkpoint", { seed: 0 });
 */
export async function loadModel(
  checkpointDir: string,
  options: { backend?: Backend; seed?: number; fs?: FileSystem; withOptimizer?: boolean } = {},
): Promise<{ model: EngineModel; trainerState: unknown }> {
  const checkpoint = await loadCheckpoint(checkpointDir, { fs: options.fs });
  const model = await createModel(checkpoint.config, {
    tokenizer: checkpoint.tokenizer,
    backend: options.backend,
    seed: options.seed,
  });
  await model.loadStateDict(new Map([...checkpoint.weights, ...(checkpoint.valueHead ?? [])]));
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
