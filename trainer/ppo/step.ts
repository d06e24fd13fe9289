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
 * Phases 1 and 5 are the step skeleton PPO shares with GRPO (trainer/common/policy_step.ts); PPO plugs in its
 * advantages (2-4) and its loss.
 * Every loss term covers only masked-in positions (model tokens in the response).
 */
import type { Model, OptimizerConfig } from "../engine/types.ts";
import type { PackedBatch } from "../common/batch.ts";
import { sequenceKlAndEntropy } from "../common/forward.ts";
import { type LossPlugin, type OldForward, policyStep } from "../common/policy_step.ts";
import type { Rng } from "../../core/random/xoshiro128.ts";
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

/** The PPO loss plug-in of one step: the advantages and returns it trains on, and what the metrics read. */
interface PpoPrepared extends LossPlugin<Record<never, never>> {
  returns: Float32Array;
  nonScoreRewards: Float32Array;
}

/**
 * Phases 2-4 of the step (rewards, GAE, whitening) and the clipped PPO loss of a micro-batch, as a plug-in of the
 * shared step skeleton (trainer/common/policy_step.ts).
 */
function preparePpo({ old, ref }: OldForward, batch: PackedBatch, scores: number[], options: PpoStepOptions): PpoPrepared {
  const { config } = options;
  const { B, mask } = batch;
  const width = batch.T - 1;
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
  return {
    returns,
    nonScoreRewards,
    minibatch: () => ({ scale: 1 / config.gradientAccumulationSteps }),
    // --- 5. the clipped policy and value losses of a micro-batch ---
    loss: ({ out, batch: micro, gather }) => {
      const loss = ppoLoss({
        logprobs: out.logprobs,
        oldLogprobs: gather(old.logprobs),
        values: out.values,
        oldValues: gather(old.values),
        advantages: gather(advantages),
        returns: gather(returns),
        mask: micro.mask,
        entropy: out.entropy,
      }, config);
      const stats = {
        "ppo/loss/policy": loss.policyLoss,
        "ppo/loss/value": loss.valueLoss,
        "ppo/loss/total": loss.totalLoss,
        "ppo/policy/approxkl": loss.stats.approxkl,
        "ppo/policy/policykl": loss.stats.policykl,
        "ppo/policy/clipfrac": loss.stats.clipfrac,
        "ppo/policy/ratio": loss.stats.ratioMean,
        "ppo/policy/entropy": loss.entropyBonus,
        "ppo/val/vpred": loss.stats.vpred,
        "ppo/val/error": loss.stats.valueError,
        "ppo/val/clipfrac": loss.stats.valueClipfrac,
      };
      // a mean ratio far above 1 means the policy ran away from the rollout's: skip rather than step on it
      if (loss.stats.ratioMean > config.ratioThreshold) return { grads: loss.grads, stats, halt: "skip" };
      // optional early stop once the old-to-new policy KL passes 1.5 * targetKl; the step that crossed it is not taken
      if (config.earlyStopping && loss.stats.policykl > 1.5 * config.targetKl) return { grads: loss.grads, stats, halt: "stop" };
      return { grads: loss.grads, stats };
    },
  };
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
  const { batch, scores } = data;
  const { config } = options;
  const { B, mask } = batch;
  const started = performance.now();

  // --- 1-5. forward, rewards, GAE, whitening, optimise (the shared skeleton with PPO's loss) ---
  const run = await policyStep(models, batch, {
    schedule: { ...config, epochs: config.ppoEpochs },
    rng: options.rng,
    optimizer: options.optimizer,
    gradNormKey: "ppo/grad_norm",
    prepare: (forward) => preparePpo(forward, batch, scores, options),
  });
  const { old, ref, sums, prepared: { returns, nonScoreRewards } } = run;

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
    "ppo/skipped_minibatches": run.skipped,
    "ppo/early_stopped": run.stopped ? 1 : 0,
  };
  for (const [key, sum] of Object.entries(sums)) {
    metrics[key] = key === "ppo/grad_norm" ? sum / Math.max(1, run.optimizerSteps) : sum / Math.max(1, run.minibatches);
  }
  const returnsVar = metrics["ppo/returns/var"];
  metrics["ppo/val/var_explained"] = returnsVar > 0 ? 1 - (metrics["ppo/val/error"] ?? 0) / returnsVar : 0;
  metrics["time/ppo/forward_pass"] = run.seconds.forward;
  metrics["time/ppo/compute_advantages"] = run.seconds.prepare;
  metrics["time/ppo/optimize_step"] = run.seconds.optimise;
  metrics["time/ppo/total"] = (performance.now() - started) / 1000;
  const klCoef = updateKlCoef(options.klCoef, { kl: meanKl, nSteps: B }, {
    adaptive: config.adapKlCtrl,
    target: config.target,
    horizon: config.horizon,
  });
  return { metrics, klCoef };
}
