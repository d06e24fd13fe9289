/**
 * GRPO settings, one line of doc each; names follow TRL's `GRPOConfig` where it has them.
 * `parseGrpoConfig({})` gives the defaults.
 */
import * as v from "valibot";
import { parseConfig } from "../../core/config/mod.ts";

const number = (defaultValue: number, doc: string, min = 0) =>
  v.optional(v.pipe(v.number(), v.minValue(min), v.description(doc)), defaultValue);
const integer = (defaultValue: number, doc: string, min = 1) =>
  v.optional(v.pipe(v.number(), v.integer(), v.minValue(min), v.description(doc)), defaultValue);

/** The GRPO config schema. */
export const GrpoConfigSchema: v.GenericSchema<Partial<GrpoConfig>, GrpoConfig> = v.strictObject({
  learningRate: number(1e-6, "Adam learning rate."),
  promptsPerStep: integer(16, "Distinct prompts per step; each is rolled out `numGenerations` times."),
  numGenerations: integer(8, "Group size G: rollouts per prompt.", 2),
  miniBatchSize: integer(128, "Episodes per gradient step inside a GRPO step."),
  epochs: integer(1, "Passes over the batch per step (TRL's num_iterations)."),
  epsilon: number(0.2, "Clip range of the policy ratio (lower side, and upper unless epsilonHigh is set)."),
  epsilonHigh: v.optional(
    v.pipe(v.number(), v.minValue(0), v.description("Upper clip range (DAPO's clip-higher, e.g. 0.28); unset: epsilon.")),
  ),
  lossType: v.optional(
    v.pipe(
      v.picklist(["grpo", "bnpo", "dr_grpo", "dapo"]),
      v.description("How token losses are summed: grpo (per episode, then mean), bnpo/dapo (per token), dr_grpo (/ B*max length)."),
    ),
    "grpo",
  ),
  entCoef: number(0, "Weight of the entropy bonus (subtracted from the loss, normalised as the policy loss)."),
  gradientAccumulationSteps: integer(1, "Micro-batches per minibatch: gradients accumulate over them, one optimizer step."),
  beta: number(0.04, "Weight of the k3 KL penalty against the reference."),
  scaleRewards: v.optional(v.pipe(v.boolean(), v.description("Divide by the group's std (else only centre).")), true),
  maxGradNorm: number(1, "Clip the global gradient norm to this; 0 turns clipping off."),
  adamEps: number(1e-8, "Adam's epsilon."),
});

/** Cross-field rules: whole groups in whole minibatches of whole micro-batches; clip-higher not below epsilon. */
export function checkGrpoConfig(config: GrpoConfig, path = "grpo"): string[] {
  const issues: string[] = [];
  const batch = config.promptsPerStep * config.numGenerations;
  if (batch % config.miniBatchSize !== 0 && config.miniBatchSize < batch) {
    issues.push(
      `${path}.promptsPerStep * ${path}.numGenerations (${batch}) must be a multiple of ${path}.miniBatchSize (${config.miniBatchSize})`,
    );
  }
  if (Math.min(config.miniBatchSize, batch) % config.gradientAccumulationSteps !== 0) {
    issues.push(
      `${path}.miniBatchSize (${config.miniBatchSize}) must be a multiple of ${path}.gradientAccumulationSteps (${config.gradientAccumulationSteps})`,
    );
  }
  if (config.epsilonHigh !== undefined && config.epsilonHigh < config.epsilon) {
    issues.push(`${path}.epsilonHigh (${config.epsilonHigh}) must be at least ${path}.epsilon (${config.epsilon})`);
  }
  return issues;
}

/** GRPO settings with every default filled in (the schema above documents each). */
export interface GrpoConfig {
  learningRate: number;
  promptsPerStep: number;
  numGenerations: number;
  miniBatchSize: number;
  epochs: number;
  epsilon: number;
  epsilonHigh?: number;
  lossType: "grpo" | "bnpo" | "dr_grpo" | "dapo";
  entCoef: number;
  gradientAccumulationSteps: number;
  beta: number;
  scaleRewards: boolean;
  maxGradNorm: number;
  adamEps: number;
}

/**
 * Validates GRPO settings and fills in defaults; throws with the offending fields.
 *
 * @example parseGrpoConfig({ numGenerations: 4 }).beta; // 0.04
 */
export function parseGrpoConfig(input: unknown = {}): GrpoConfig {
  return parseConfig(GrpoConfigSchema, input, {
    what: "GRPO config",
    help: "see GrpoConfigSchema for the fields and their defaults",
    check: checkGrpoConfig,
  });
}
