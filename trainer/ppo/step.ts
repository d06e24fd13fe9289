/**
 * One PPO step on a batch of rolled-out episodes, as TRL's `PPOTrainer.step` does it, in labelled phases:
 *
 *   1. forward   old logprobs and values of the policy, logprobs of the frozen reference (no grad)
 *   2. rewards   r_t = -beta (logp_t - ref_logp_t), plus the score on the last model token
 *   3. GAE       advantages and returns over model positions (see gae.ts for masked tokens)
 *   4. whiten    advantages to zero mean and unit variance under the mask
 *   5. optimise  `ppoEpochs` passes of shuffled minibatches: clipped policy + value loss, backward, Adam step
 *   6. control   the adaptive KL coefficient moves towards its target
 *
 * Every loss term covers only masked-in positions (model tokens in the response).
 */
import type { Model, OptimizerConfig } from "../engine/types.ts";
import { gatherRows, type PackedBatch, selectRows } from "../common/batch.ts";
import { forwardBatch, scaled, sequenceKlAndEntropy } from "../common/forward.ts";
import { permutation, type Rng } from "../common/rng.ts";
import type { PpoConfig } from "./config.ts";
import { computeGae } from "./gae.ts";
import { updateKlCoef } from "./kl_controller.ts";
import { ppoLoss } from "./loss.ts";
import { computeRewards } from "./rewards.ts";
import { maskedMean, maskedVar, maskedWhiten } from "../common/whiten.ts";

/** What a PPO step needs besides the batch. */
export interface PpoStepOptions {
  config: PpoConfig;
  /** Current KL coefficient beta. */
  klCoef: number;
  /** Shuffles the minibatches. */
  rng: Rng;
  /** Adam settings (lr comes from `config.learningRate` unless `stepLr` is given). */
  optimizer: Omit<OptimizerConfig, "lr" | "maxGradNorm" | "eps">;
}

/** The step's log (TRL keys) and the next KL coefficient. */
export interface PpoStepResult {
  metrics: Record<string, number>;
  klCoef: number;
}

/**
 * One PPO step: updates `policy` in place and returns metrics and the next beta.
 *
 * @example const { metrics, klCoef } = await ppoStep({ policy, reference }, { batch, scores }, options);
 */
export async function ppoStep(
  models: { policy: Model; reference: Model },
  data: { batch: PackedBatch; scores: number[] },
  options: PpoStepOptions,
): Promise<PpoStepResult> {
  const { policy, reference } = models;
  const { batch, scores } = data;
  const { config, rng } = options;
  const { B } = batch;
  const width = batch.T - 1;
  const mask = batch.mask;
  const started = performance.now();

  // --- 1. forward: old logprobs and values of the policy, reference logprobs ---
  const old = await forwardBatch(policy, batch, config.miniBatchSize);
  const ref = await forwardBatch(reference, batch, config.miniBatchSize);
  const forwardDone = performance.now();

  // --- 2. rewards: per-token KL penalty, score on the last model token ---
  const { rewards, nonScoreRewards } = computeRewards(
    { scores, logprobs: old.logprobs, refLogprobs: ref.logprobs, mask, B, T: width },
    { klCoef: options.klCoef, klPenalty: config.klPenalty },
  );

  // --- 3. GAE over model positions ---
  const gae = computeGae({ rewards, values: old.values, mask, B, T: width }, { gamma: config.gamma, lam: config.lam });

  // --- 4. whiten advantages under the mask ---
  const advantages = maskedWhiten(gae.advantages, mask);
  const returns = gae.returns;
  const advantagesDone = performance.now();

  // --- 5. optimise: epochs x shuffled minibatches ---
  const sums: Record<string, number> = {};
  const add = (key: string, value: number) => (sums[key] = (sums[key] ?? 0) + value);
  let minibatches = 0;
  let optimizerSteps = 0;
  let skipped = 0;
  let earlyStopped = false;
  for (let epoch = 0; epoch < config.ppoEpochs && !earlyStopped; epoch++) {
    const order = permutation(B, rng);
    for (let start = 0; start < B; start += config.miniBatchSize) {
      const rows = order.slice(start, start + config.miniBatchSize);
      // gradient accumulation: the minibatch runs as micro-batches whose gradients add up, then one step
      const micro = Math.ceil(rows.length / config.gradientAccumulationSteps);
      let skip = false;
      policy.zeroGrad();
      for (let from = 0; from < rows.length && !skip && !earlyStopped; from += micro) {
        const part = rows.slice(from, from + micro);
        const minibatch = selectRows(batch, part);
        const gather = (source: Float32Array) => gatherRows(source, { width, rows: part, outWidth: minibatch.T - 1 });
        const input = { tokens: minibatch.tokens, B: minibatch.B, T: minibatch.T, lengths: minibatch.lengths };
        const out = await policy.forward(input, { grad: true });
        const lossMask = minibatch.mask;
        const loss = ppoLoss({
          logprobs: out.logprobs,
          oldLogprobs: gather(old.logprobs),
          values: out.values,
          oldValues: gather(old.values),
          advantages: gather(advantages),
          returns: gather(returns),
          mask: lossMask,
          entropy: out.entropy,
        }, config);
        minibatches++;
        add("ppo/loss/policy", loss.policyLoss);
        add("ppo/loss/value", loss.valueLoss);
        add("ppo/loss/total", loss.totalLoss);
        add("ppo/policy/approxkl", loss.stats.approxkl);
        add("ppo/policy/policykl", loss.stats.policykl);
        add("ppo/policy/clipfrac", loss.stats.clipfrac);
        add("ppo/policy/ratio", loss.stats.ratioMean);
        add("ppo/policy/entropy", loss.entropyBonus);
        add("ppo/val/vpred", loss.stats.vpred);
        add("ppo/val/error", loss.stats.valueError);
        add("ppo/val/clipfrac", loss.stats.valueClipfrac);
        // a mean ratio far above 1 means the policy ran away from the rollout's: skip rather than step on it
        if (loss.stats.ratioMean > config.ratioThreshold) {
          skip = true;
          break;
        }
        // optional early stop once the old-to-new policy KL passes 1.5 * targetKl; the step that crossed it is not taken
        if (config.earlyStopping && loss.stats.policykl > 1.5 * config.targetKl) {
          earlyStopped = true;
          break;
        }
        const scale = 1 / config.gradientAccumulationSteps;
        await policy.backward({
          logprobs: scaled(loss.grads.logprobs, scale),
          values: scaled(loss.grads.values, scale),
          entropy: loss.grads.entropy && scaled(loss.grads.entropy, scale),
        });
      }
      if (earlyStopped) break;
      if (skip) {
        skipped++;
        continue;
      }
      const { gradNorm } = await policy.step({
        ...options.optimizer,
        lr: config.learningRate,
        maxGradNorm: config.maxGradNorm,
        eps: config.adamEps,
      });
      optimizerSteps++;
      add("ppo/grad_norm", gradNorm);
    }
  }
  const optimiseDone = performance.now();

  // --- 6. statistics and the KL controller ---
  const { kl: meanKl, entropy } = sequenceKlAndEntropy(old.logprobs, ref.logprobs, mask, B);
  const metrics: Record<string, number> = {
    "objective/kl": meanKl,
    "objective/kl_coef": options.klCoef,
    "objective/entropy": entropy,
    "ppo/mean_non_score_reward": maskedMean(nonScoreRewards, mask),
    "ppo/mean_scores": scores.reduce((a, b) => a + b, 0) / Math.max(1, scores.length),
    "ppo/returns/mean": maskedMean(returns, mask),
    "ppo/returns/var": maskedVar(returns, mask),
    "ppo/val/mean": maskedMean(old.values, mask),
    "ppo/val/var": maskedVar(old.values, mask),
    "ppo/skipped_minibatches": skipped,
    "ppo/early_stopped": earlyStopped ? 1 : 0,
  };
  for (const [key, sum] of Object.entries(sums)) {
    metrics[key] = key === "ppo/grad_norm" ? sum / Math.max(1, optimizerSteps) : sum / Math.max(1, minibatches);
  }
  const returnsVar = metrics["ppo/returns/var"];
  metrics["ppo/val/var_explained"] = returnsVar > 0 ? 1 - (metrics["ppo/val/error"] ?? 0) / returnsVar : 0;
  metrics["time/ppo/forward_pass"] = (forwardDone - started) / 1000;
  metrics["time/ppo/compute_advantages"] = (advantagesDone - forwardDone) / 1000;
  metrics["time/ppo/optimize_step"] = (optimiseDone - advantagesDone) / 1000;
  metrics["time/ppo/total"] = (performance.now() - started) / 1000;
  const klCoef = updateKlCoef(options.klCoef, { kl: meanKl, nSteps: B }, {
    adaptive: config.adapKlCtrl,
    target: config.target,
    horizon: config.horizon,
  });
  return { metrics, klCoef };
}
