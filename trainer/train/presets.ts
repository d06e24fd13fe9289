/**
 * The trainer's defaults for the built-in tiny model trained from scratch, chosen so that
 * `toolrl train <task>` finishes in minutes on 2 CPU cores, and per-task adjustments on top of them.
 * Anything given on the command line overrides both. (The config schemas keep TRL's own defaults,
 * which suit a pre-trained model; these replace them for a model that starts from random weights.)
 */
import { mergeConfig } from "./merge.ts";

/** Partial train settings (the shape of `TrainConfigInput` without the task). */
export type Preset = Record<string, unknown>;

/**
 * From scratch: a 2-layer model with 8 heads of size 8 learns to copy numbers from the prompt and from tool
 * output within a few hundred SFT steps (the engine's 4-layer default is slower per step and needs more of
 * them); SFT at a high learning rate; RL at a low one with Adam's epsilon at 1e-5, because with a
 * near-deterministic tiny policy larger RL steps break its copying and cost accuracy (see the closing note).
 */
const fromScratch: Preset = {
  steps: 20,
  model: { nLayer: 2, nHead: 8, nKvHead: 8 },
  sft: { steps: 1000, batchSize: 32, demonstrations: 4000, learningRate: 5e-3, warmupSteps: 20 },
  ppo: {
    learningRate: 3e-5,
    adamEps: 1e-5,
    batchSize: 64,
    miniBatchSize: 16,
    ppoEpochs: 2,
    initKlCoef: 0.05,
    maxGradNorm: 1,
  },
  grpo: { learningRate: 3e-5, adamEps: 1e-5, promptsPerStep: 8, numGenerations: 8, miniBatchSize: 16 },
};

const byTask: Record<string, Preset> = {
  calculator: {},
  // With the task's default 200 towns the model memorises the facts of the training towns instead of reading
  // the documents, and held-out towns fail; 2000 towns make reading the tool's output the only way.
  wiki: { taskOptions: { towns: 2000 } },
};

/**
 * The defaults for a task: the from-scratch preset with the task's adjustments.
 *
 * @example presetFor("calculator").steps; // 20
 */
export function presetFor(task: string): Preset {
  return mergeConfig(structuredClone(fromScratch), structuredClone(byTask[task] ?? {}));
}
