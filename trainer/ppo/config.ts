/**
 * PPO settings: TRL v0.11 `PPOConfig` names (in camelCase) and defaults, one line of doc each.
 * `parsePpoConfig({})` gives the defaults; unknown keys are refused so typos do not pass silently.
 */
import * as v from "valibot";
import { parseConfig } from "../../core/config/mod.ts";

const number = (defaultValue: number, doc: string, min = 0) =>
  v.optional(v.pipe(v.number(), v.minValue(min), v.description(doc)), defaultValue);
const integer = (defaultValue: number, doc: string, min = 1) =>
  v.optional(v.pipe(v.number(), v.integer(), v.minValue(min), v.description(doc)), defaultValue);
const boolean = (defaultValue: boolean, doc: string) =>
  v.optional(v.pipe(v.boolean(), v.description(doc)), defaultValue);

/** The PPO config schema. */
export const PpoConfigSchema: v.GenericSchema<Partial<PpoConfig>, PpoConfig> = v.strictObject({
  learningRate: number(1.41e-5, "Adam learning rate."),
  batchSize: integer(128, "Episodes rolled out per PPO step."),
  miniBatchSize: integer(128, "Episodes per gradient step inside a PPO step."),
  ppoEpochs: integer(4, "Passes over the batch per PPO step."),
  initKlCoef: number(0.2, "Initial coefficient beta of the per-token KL penalty against the reference."),
  adapKlCtrl: boolean(true, "Adapt beta towards `target` with the controller of Ziegler et al."),
  target: number(6, "Target per-sequence KL of the adaptive controller."),
  horizon: number(10000, "Horizon (in samples) of the adaptive controller.", 1),
  gamma: number(1, "Discount factor of GAE."),
  lam: number(0.95, "Lambda of GAE."),
  cliprange: number(0.2, "Clip range of the policy ratio."),
  cliprangeValue: number(0.2, "Clip range of the value prediction around the rollout's value."),
  vfCoef: number(0.1, "Weight of the value loss in the total loss."),
  entCoef: number(0, "Weight of the entropy bonus: the loss subtracts entCoef times the mean entropy of model tokens."),
  klPenalty: v.optional(
    v.pipe(
      v.picklist(["kl", "abs", "mse"]),
      v.description("Per-token KL penalty in the reward: kl (logp - ref), abs (|logp - ref|), mse (0.5 (logp - ref)^2)."),
    ),
    "kl",
  ),
  gradientAccumulationSteps: integer(1, "Micro-batches per minibatch: gradients accumulate over them, one optimizer step."),
  ratioThreshold: number(10, "Skip a minibatch whose mean policy ratio exceeds this (a sign of divergence)."),
  earlyStopping: boolean(false, "Stop the PPO step's epochs once the policy KL exceeds 1.5 * targetKl."),
  targetKl: number(1, "Policy KL (old to new) that triggers early stopping."),
  maxGradNorm: number(0, "Clip the global gradient norm to this; 0 turns clipping off (TRL's default)."),
  adamEps: number(1e-8, "Adam's epsilon (schema default 1e-8, torch's; the from-scratch preset sets 1e-5 as cleanrl does, which damps noise-only updates)."),
});

/** Cross-field rules: the batch splits into whole minibatches, and each minibatch into whole micro-batches. */
export function checkPpoConfig(config: PpoConfig, path = "ppo"): string[] {
  const issues: string[] = [];
  if (config.batchSize % config.miniBatchSize !== 0) {
    issues.push(`${path}.batchSize (${config.batchSize}) must be a multiple of ${path}.miniBatchSize (${config.miniBatchSize})`);
  }
  if (config.miniBatchSize % config.gradientAccumulationSteps !== 0) {
    issues.push(
      `${path}.miniBatchSize (${config.miniBatchSize}) must be a multiple of ${path}.gradientAccumulationSteps (${config.gradientAccumulationSteps})`,
    );
  }
  return issues;
}

/** PPO settings with every default filled in (the schema above documents each). */
export interface PpoConfig {
  learningRate: number;
  batchSize: number;
  miniBatchSize: number;
  ppoEpochs: number;
  initKlCoef: number;
  adapKlCtrl: boolean;
  target: number;
  horizon: number;
  gamma: number;
  lam: number;
  cliprange: number;
  cliprangeValue: number;
  vfCoef: number;
  entCoef: number;
  klPenalty: "kl" | "abs" | "mse";
  gradientAccumulationSteps: number;
  ratioThreshold: number;
  earlyStopping: boolean;
  targetKl: number;
  maxGradNorm: number;
  adamEps: number;
}

/**
 * Validates PPO settings and fills in defaults; throws with the offending fields.
 *
 * @example parsePpoConfig({ batchSize: 64, miniBatchSize: 16 }).ppoEpochs; // 4
 */
export function parsePpoConfig(input: unknown = {}): PpoConfig {
  return parseConfig(PpoConfigSchema, input, {
    what: "PPO config",
    help: "see PpoConfigSchema for the fields and their defaults",
    check: checkPpoConfig,
  });
}
