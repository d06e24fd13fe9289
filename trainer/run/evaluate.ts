/**
 * Held-out evaluation: greedy rollouts on samples drawn with `split: "eval"` (problems disjoint from
 * training), summarised as accuracy, tool use and errors.
 */
import { rolloutTask } from "../../core/rollout/rollout_task.ts";
import type { Episode, FormatName, Policy, RolloutLimits, Task, Tokenizer } from "../../core/types.ts";
import type { Model } from "../engine/types.ts";
import { packEpisodes } from "../common/batch.ts";
import { type EpisodeSummary, summarizeEpisodes } from "./summarize.ts";

/** What `evaluatePolicy` needs. */
export interface EvaluateOptions {
  format: FormatName;
  tokenizer: Tokenizer;
  n: number;
  seed: number;
  limits?: Partial<RolloutLimits>;
  /** Contexts per generate call (default: all at once). */
  maxBatchSize?: number;
  /** Rollout loop (default async). */
  mode?: "async" | "lockstep";
}

/**
 * Rolls out `n` held-out samples greedily (temperature 0) and summarises them.
 *
 * @example const { summary } = await evaluatePolicy(model, task, { format: "submit", tokenizer, n: 200, seed: 0 });
 */
export async function evaluatePolicy(
  policy: Policy,
  task: Task,
  options: EvaluateOptions,
): Promise<{ summary: EpisodeSummary; episodes: Episode[] }> {
  const samples = task.samples({ seed: options.seed, n: options.n, split: "eval" });
  const { episodes } = await rolloutTask(task, {
    policy,
    tokenizer: options.tokenizer,
    format: options.format,
    samples,
    limits: options.limits,
    sampling: { temperature: 0, seed: options.seed },
    mode: options.mode ?? "async",
    maxBatchSize: options.maxBatchSize,
  });
  return { summary: summarizeEpisodes(episodes, { format: options.format }), episodes };
}

/**
 * Mean logprob per token that `model` gives the tool-output tokens of `episodes` (the text it should never
 * learn to write): near 0 when the model imitates its tools, far below when tool output is masked out of training.
 * NaN when the episodes hold no tool output.
 *
 * @example const logprob = await toolOutputLogprob(model, episodes);
 */
export async function toolOutputLogprob(model: Model, episodes: readonly Episode[], options: { chunk?: number } = {}): Promise<number> {
  const chunk = options.chunk ?? 32;
  let sum = 0;
  let count = 0;
  for (let start = 0; start < episodes.length; start += chunk) {
    const part = episodes.slice(start, start + chunk);
    const all = packEpisodes(part, { padId: model.tokenizer.padId, maxSeqLen: model.config.maxSeqLen, includeToolTokens: true });
    const own = packEpisodes(part, { padId: model.tokenizer.padId, maxSeqLen: model.config.maxSeqLen });
    const out = await model.forward({ tokens: all.tokens, B: all.B, T: all.T, lengths: all.lengths });
    for (let i = 0; i < all.mask.length; i++) {
      if (all.mask[i] === 1 && own.mask[i] === 0) {
        sum += out.logprobs[i];
        count++;
      }
    }
  }
  return count === 0 ? NaN : sum / count;
}
