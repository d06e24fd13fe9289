/**
 * One GRPO step (DeepSeekMath, https://arxiv.org/abs/2402.03300, algorithm 1) on a batch laid out group by
 * group, in labelled phases:
 *
 *   1. forward    old logprobs of the policy and logprobs of the frozen reference (no grad)
 *   2. advantage  each episode's reward normalised within its group; every model token of it shares the value
 *   3. optimise   `epochs` passes of shuffled minibatches (each as `gradientAccumulationSteps` micro-batches):
 *                 clipped surrogate + beta * k3 KL - entCoef * entropy, reduced by `lossType`, backward, Adam step
 *
 * No value head is trained (its gradient is never passed to the engine).
 */
import type { Model, OptimizerConfig } from "../engine/types.ts";
import { gatherRows, type PackedBatch, selectRows } from "../common/batch.ts";
import { permutation, type Rng } from "../common/rng.ts";
import { forwardBatch, scaled, sequenceKlAndEntropy } from "../common/forward.ts";
import { groupAdvantages } from "./advantages.ts";
import type { GrpoConfig } from "./config.ts";
import { grpoLoss } from "./loss.ts";

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
  const { policy, reference } = models;
  const { batch, scores } = data;
  const { config, rng } = options;
  const { B } = batch;
  const width = batch.T - 1;
  const started = performance.now();

  // --- 1. forward: old and reference logprobs ---
  const old = await forwardBatch(policy, batch, config.miniBatchSize);
  const ref = await forwardBatch(reference, batch, config.miniBatchSize);
  const forwardDone = performance.now();

  // --- 2. group-normalised advantages, one per episode ---
  const advantages = groupAdvantages(scores, { groupSize: config.numGenerations, scale: config.scaleRewards });

  // --- 3. optimise ---
  const sums: Record<string, number> = {};
  const add = (key: string, value: number) => (sums[key] = (sums[key] ?? 0) + value);
  let minibatches = 0;
  let optimizerSteps = 0;
  for (let epoch = 0; epoch < config.epochs; epoch++) {
    const order = permutation(B, rng);
    for (let start = 0; start < B; start += config.miniBatchSize) {
      const rows = order.slice(start, start + config.miniBatchSize);
      // gradient accumulation: the minibatch runs as micro-batches whose gradients add up, then one step
      const micro = Math.ceil(rows.length / config.gradientAccumulationSteps);
      const totalTokens = rows.reduce((sum, r) => sum + rowTokens(batch.mask, r, width), 0);
      // dapo normalises by the whole minibatch's tokens; the other types average their micro-batches
      const scale = config.lossType === "dapo" ? 1 : 1 / Math.ceil(rows.length / micro);
      policy.zeroGrad();
      for (let from = 0; from < rows.length; from += micro) {
        const part = rows.slice(from, from + micro);
        const minibatch = selectRows(batch, part);
        const gather = (source: Float32Array) => gatherRows(source, { width, rows: part, outWidth: minibatch.T - 1 });
        const input = { tokens: minibatch.tokens, B: minibatch.B, T: minibatch.T, lengths: minibatch.lengths };
        const out = await policy.forward(input, { grad: true });
        const loss = grpoLoss({
          logprobs: out.logprobs,
          oldLogprobs: gather(old.logprobs),
          refLogprobs: gather(ref.logprobs),
          advantages: part.map((r) => advantages[r]),
          mask: minibatch.mask,
          B: minibatch.B,
          T: minibatch.T - 1,
          entropy: out.entropy,
        }, { ...config, maxCompletionLength: options.maxCompletionLength, totalTokens });
        await policy.backward({
          logprobs: scaled(loss.grads.logprobs, scale),
          entropy: loss.grads.entropy && scaled(loss.grads.entropy, scale),
        });
        minibatches++;
        add("grpo/loss", loss.loss * scale);
        add("grpo/kl_k3", loss.kl);
        add("grpo/clipfrac", loss.clipfrac);
        add("grpo/ratio", loss.ratioMean);
        add("grpo/entropy", loss.entropy);
      }
      const { gradNorm } = await policy.step({
        ...options.optimizer,
        lr: config.learningRate,
        maxGradNorm: config.maxGradNorm,
        eps: config.adamEps,
      });
      optimizerSteps++;
      add("grpo/grad_norm", gradNorm);
    }
  }
  const optimiseDone = performance.now();

  const { kl, entropy } = sequenceKlAndEntropy(old.logprobs, ref.logprobs, batch.mask, B);
  const groupsWithSignal = countGroupsWithSignal(scores, config.numGenerations);
  const metrics: Record<string, number> = {
    "objective/kl": kl,
    "objective/kl_coef": config.beta,
    "objective/entropy": entropy,
    "grpo/advantages/abs_mean": advantages.reduce((a, x) => a + Math.abs(x), 0) / Math.max(1, B),
    "grpo/groups_with_signal": groupsWithSignal / Math.max(1, B / config.numGenerations),
    "time/grpo/forward_pass": (forwardDone - started) / 1000,
    "time/grpo/optimize_step": (optimiseDone - forwardDone) / 1000,
    "time/grpo/total": (performance.now() - started) / 1000,
  };
  for (const [key, sum] of Object.entries(sums)) {
    const per = key === "grpo/grad_norm" || key === "grpo/loss" ? optimizerSteps : minibatches;
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
