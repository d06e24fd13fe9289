/**
 * One GRPO step (DeepSeekMath, https://arxiv.org/abs/2402.03300, algorithm 1) on a batch laid out group by
 * group, in labelled phases:
 *
 *   1. forward    old logprobs of the policy and logprobs of the frozen reference (no grad)
 *   2. advantage  each episode's reward normalised within its group; every model token of it shares the value
 *   3. optimise   `epochs` passes of shuffled minibatches (each as `gradientAccumulationSteps` micro-batches):
 *                 clipped surrogate + beta * k3 KL - entCoef * entropy, reduced by `lossType`, backward, Adam step
 *
 * No value head is trained (its gradient is never passed to the engine). Phases 1 and 3 are the step skeleton
 * GRPO shares with PPO (trainer/common/policy_step.ts); GRPO plugs in its advantages and its loss.
 */
import type { Model, OptimizerConfig } from "../engine/types.ts";
import type { PackedBatch } from "../common/batch.ts";
import { sequenceKlAndEntropy } from "../common/forward.ts";
import { type LossPlugin, type OldForward, policyStep } from "../common/policy_step.ts";
import type { Rng } from "../../core/random/xoshiro128.ts";
import { groupAdvantages } from "./advantages.ts";
import type { GrpoConfig } from "./config.ts";
import { grpoLoss } from "./loss.ts";

/** What GRPO's micro-batches of one minibatch share: dapo's token count of the whole minibatch. */
interface GrpoShared {
  totalTokens: number;
}

/** The GRPO loss plug-in of one step, with the advantages the metrics read. */
interface GrpoPrepared extends LossPlugin<GrpoShared> {
  advantages: number[];
}

/**
 * Phase 2 of the step (group-normalised advantages) and GRPO's loss of a micro-batch, as a plug-in of the shared
 * step skeleton (trainer/common/policy_step.ts).
 */
function prepareGrpo(
  { old, ref }: OldForward,
  batch: PackedBatch,
  scores: number[],
  options: { config: GrpoConfig; maxCompletionLength?: number },
): GrpoPrepared {
  const { config } = options;
  const width = batch.T - 1;
  // --- 2. group-normalised advantages, one per episode ---
  const advantages = groupAdvantages(scores, { groupSize: config.numGenerations, scale: config.scaleRewards });
  return {
    advantages,
    minibatch: (rows, microSize) => ({
      totalTokens: rows.reduce((sum, r) => sum + rowTokens(batch.mask, r, width), 0),
      // dapo normalises by the whole minibatch's tokens; the other types average their micro-batches
      scale: config.lossType === "dapo" ? 1 : 1 / Math.ceil(rows.length / microSize),
    }),
    // --- 3. clipped surrogate + beta * k3 KL - entCoef * entropy, reduced by lossType ---
    loss: ({ rows, batch: micro, out, gather }, { totalTokens, scale }) => {
      const loss = grpoLoss({
        logprobs: out.logprobs,
        oldLogprobs: gather(old.logprobs),
        refLogprobs: gather(ref.logprobs),
        advantages: rows.map((r) => advantages[r]),
        mask: micro.mask,
        B: micro.B,
        T: micro.T - 1,
        entropy: out.entropy,
      }, { ...config, maxCompletionLength: options.maxCompletionLength, totalTokens });
      // no value head is trained: no gradient for the values goes back
      return {
        grads: { logprobs: loss.grads.logprobs, entropy: loss.grads.entropy },
        stats: {
          "grpo/loss": loss.loss * scale,
          "grpo/kl_k3": loss.kl,
          "grpo/clipfrac": loss.clipfrac,
          "grpo/ratio": loss.ratioMean,
          "grpo/entropy": loss.entropy,
        },
      };
    },
  };
}

/**
 * One GRPO step: updates `policy` in place and returns metrics.
 *
 * @example const { metrics } = await grpoStep({ policy, reference }, { batch, scores }, { config, rng, optimizer });
 */
export async function grpoStep(
  models: { policy: Model; reference: Model },
  data: { batch: PackedBatch; scores: number[] },
  options: {
    config: GrpoConfig;
    rng: Rng;
    optimizer: Omit<OptimizerConfig, "lr" | "maxGradNorm" | "eps">;
    /** dr_grpo's constant completion length in tokens (the run's `maxTotalResponseTokens`). */
    maxCompletionLength?: number;
  },
): Promise<{ metrics: Record<string, number> }> {
  const { batch, scores } = data;
  const { config } = options;
  const { B } = batch;
  const started = performance.now();

  // --- 1-3. forward, advantages, optimise (the shared skeleton with GRPO's loss) ---
  const run = await policyStep(models, batch, {
    schedule: config,
    rng: options.rng,
    optimizer: options.optimizer,
    gradNormKey: "grpo/grad_norm",
    prepare: (forward) => prepareGrpo(forward, batch, scores, options),
  });
  const { old, ref, sums, prepared: { advantages } } = run;

  const { kl, entropy } = sequenceKlAndEntropy(old.logprobs, ref.logprobs, batch.mask, B);
  const groupsWithSignal = countGroupsWithSignal(scores, config.numGenerations);
  const metrics: Record<string, number> = {
    "objective/kl": kl,
    "objective/kl_coef": config.beta,
    "objective/entropy": entropy,
    "grpo/advantages/abs_mean": advantages.reduce((a, x) => a + Math.abs(x), 0) / Math.max(1, B),
    "grpo/groups_with_signal": groupsWithSignal / Math.max(1, B / config.numGenerations),
    "time/grpo/forward_pass": run.seconds.forward,
    "time/grpo/optimize_step": run.seconds.prepare + run.seconds.optimise,
    "time/grpo/total": (performance.now() - started) / 1000,
  };
  for (const [key, sum] of Object.entries(sums)) {
    const per = key === "grpo/grad_norm" || key === "grpo/loss" ? run.optimizerSteps : run.minibatches;
    metrics[key] = sum / Math.max(1, per);
  }
  return { metrics };
}

/** Masked-in tokens of row `r`. */
function rowTokens(mask: Float32Array, r: number, width: number): number {
  let count = 0;
  for (let t = 0; t < width; t++) count += mask[r * width + t];
  return count;
}

/** Groups whose rewards are not all equal (the only ones that carry a gradient). */
function countGroupsWithSignal(scores: readonly number[], groupSize: number): number {
  let count = 0;
  for (let start = 0; start < scores.length; start += groupSize) {
    const group = scores.slice(start, start + groupSize);
    if (group.some((s) => s !== group[0])) count++;
  }
  return count;
}
