/**
 * One RL step of a run, for PPO or GRPO:
 *
 *   1. sample   training prompts (GRPO: each repeated G times, group by group)
 *   2. rollout  the policy through the tools, sampling at the run's temperature; the verifier scores
 *   3. pack     episodes into a padded (B, T) batch with the model-token mask
 *   4. update   `ppoStep` or `grpoStep`
 *   5. log      environment, tool and timing metrics beside the algorithm's
 *
 * Rollouts run in the async loop by default (`config.rollout`); each episode's turns sample from seeds of their
 * own (see `turnSeed`), so the sampled tokens depend only on the seeds, never on how episodes were batched.
 */
import { resolveLimits } from "../../core/rollout/limits.ts";
import { rolloutTask } from "../../core/rollout/rollout_task.ts";
import type { Episode, Task } from "../../core/types.ts";
import type { Model } from "../engine/types.ts";
import { grpoStep } from "../grpo/step.ts";
import { ppoStep } from "../ppo/step.ts";
import { packEpisodes } from "../common/batch.ts";
import type { TrainConfig } from "./config.ts";
import type { Rng } from "../../core/random/xoshiro128.ts";
import { summarizeEpisodes } from "./summarize.ts";

const ADAM = { beta1: 0.9, beta2: 0.999, weightDecay: 0 };

/**
 * The score the update sees: the verifier's, times `rewardScale`, clipped to ±`rewardClip` when that is set.
 *
 * @example shapeScore(3, { rewardScale: 0.5, rewardClip: 1 }); // 1
 */
export function shapeScore(reward: number, config: Pick<TrainConfig, "rewardScale" | "rewardClip">): number {
  const scaled = reward * config.rewardScale;
  return config.rewardClip > 0 ? Math.min(config.rewardClip, Math.max(-config.rewardClip, scaled)) : scaled;
}

/** What stays the same across steps. */
export interface RlContext {
  config: TrainConfig;
  task: Task;
  policy: Model;
  reference: Model;
}

/** What changes from step to step (and is checkpointed). */
export interface RlState {
  step: number;
  klCoef: number;
  rng: Rng;
}

/**
 * Runs RL step `state.step + 1`; returns its metrics row, its episodes and the next KL coefficient.
 *
 * @example const { row, klCoef } = await rlStep(ctx, { step: 0, klCoef: 0.2, rng });
 */
export async function rlStep(
  ctx: RlContext,
  state: RlState,
): Promise<{ row: Record<string, number>; episodes: Episode[]; klCoef: number }> {
  const { config, task, policy, reference } = ctx;
  const { format } = config;
  const tokenizer = policy.tokenizer;
  const started = performance.now();

  // --- 1. sample prompts ---
  const grpo = config.algo === "grpo";
  const distinct = grpo ? config.grpo.promptsPerStep : config.ppo.batchSize;
  const repeats = grpo ? config.grpo.numGenerations : 1;
  const samples = task.samples({ seed: state.rng.uint32(), n: distinct, split: "train" });

  // --- 2. rollout ---
  const result = await rolloutTask(task, {
    policy,
    tokenizer,
    format,
    samples,
    repeats,
    limits: config.limits,
    sampling: { temperature: config.temperature, seed: state.rng.uint32() },
    mode: config.rollout,
    maxBatchSize: config.generationBatchSize,
  });
  const episodes = result.episodes;
  const scores = episodes.map((episode) => shapeScore(episode.reward ?? 0, config));
  const rolledOut = performance.now();

  // --- 3. pack ---
  const batch = packEpisodes(episodes, {
    padId: tokenizer.padId,
    maxSeqLen: policy.config.maxSeqLen,
    includeToolTokens: config.includeToolTokens,
  });

  // --- 4. update ---
  let algoMetrics: Record<string, number>;
  let klCoef = state.klCoef;
  if (grpo) {
    ({ metrics: algoMetrics } = await grpoStep({ policy, reference }, { batch, scores }, {
      config: config.grpo,
      rng: state.rng,
      optimizer: ADAM,
      maxCompletionLength: resolveLimits({ ...task.limits, ...config.limits }).maxTotalResponseTokens,
    }));
  } else {
    const out = await ppoStep({ policy, reference }, { batch, scores }, {
      config: config.ppo,
      klCoef: state.klCoef,
      rng: state.rng,
      optimizer: ADAM,
    });
    algoMetrics = out.metrics;
    klCoef = out.klCoef;
  }
  const done = performance.now();

  // --- 5. log ---
  const summary = summarizeEpisodes(episodes, { format });
  const rolloutSeconds = (rolledOut - started) / 1000;
  const row: Record<string, number> = {
    step: state.step + 1,
    "env/reward_mean": summary.reward_mean,
    "env/score_mean": scores.reduce((a, b) => a + b, 0) / Math.max(1, scores.length),
    "env/reward_std": summary.reward_std,
    "env/accuracy": summary.accuracy,
    "env/response_tokens": summary.response_tokens_mean,
    "tools/calls_per_episode": summary.calls_per_episode,
    "tools/call_rate": summary.tool_call_rate,
    "tools/error_rate": summary.error_rate,
    "tools/self_written_output_rate": summary.self_written_output_rate,
    ...algoMetrics,
    learning_rate: grpo ? config.grpo.learningRate : config.ppo.learningRate,
    "time/rollout": rolloutSeconds,
    "time/rollout_tokens_per_second": rolloutSeconds > 0 ? result.metrics.generatedTokens / rolloutSeconds : 0,
    "time/update": (done - rolledOut) / 1000,
    "time/step": (done - started) / 1000,
  };
  return { row, episodes, klCoef };
}
