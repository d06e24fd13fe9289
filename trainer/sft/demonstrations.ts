/**
 * Demonstration episodes for the SFT warm-up: the task's reference solver rolled out through the real
 * rollout loop, so prompts, tool calls, tool results and masks are exactly what RL will see.
 */
import { solverPolicy } from "../../core/policy/solver.ts";
import { rolloutTask } from "../../core/rollout/rollout_task.ts";
import type { Episode, FormatName, Policy, RolloutLimits, Sample, Task, Tokenizer } from "../../core/types.ts";
import { createPrng } from "../../core/random/sfc32.ts";
import { resolveLimits } from "../../core/rollout/limits.ts";
import { getParser } from "../../core/formats/mod.ts";

/**
 * A warning when the solver's first turn is longer than the run's `maxNewTokensPerTurn` on some samples (the
 * rollout would cut it, e.g. `<tool_call> is never closed` in hermes), or null when every first turn fits.
 *
 * @example solverTurnsCut(task, samples, { format: "hermes", tokenizer, limits: { maxNewTokensPerTurn: 16 } });
 */
export function solverTurnsCut(
  task: Task,
  samples: readonly Sample[],
  options: { format: FormatName; tokenizer: Tokenizer; limits?: Partial<RolloutLimits> },
): string | null {
  const limit = resolveLimits({ ...task.limits, ...options.limits }).maxNewTokensPerTurn;
  const lengths = samples.slice(0, 50).map((sample) => options.tokenizer.encode(task.solve(sample, options.format, [])).length);
  const longest = Math.max(0, ...lengths);
  if (longest <= limit) return null;
  const over = lengths.filter((length) => length > limit).length;
  return `the reference solver of task "${task.name}" writes first turns of up to ${longest} tokens in the ${options.format} ` +
    `format, over maxNewTokensPerTurn ${limit} (${over} of ${lengths.length} samples checked): those turns are cut; ` +
    `raise it, e.g. --set limits.maxNewTokensPerTurn=${longest}`;
}

/** What `makeDemonstrations` needs. */
export interface DemonstrationOptions {
  format: FormatName;
  tokenizer: Tokenizer;
  n: number;
  seed: number;
  limits?: Partial<RolloutLimits>;
  /**
   * Fraction of demonstrations that call the tools (default 1). The others answer unaided with the task's
   * `answerUnaided` guess, kept whether right or wrong: a warm-up that rarely calls its tools, for RL to improve on.
   */
  toolRate?: number;
  /** Rollout loop (default async). */
  mode?: "async" | "lockstep";
  /** Told when the task's own solver does not fit its limits (its turns would be cut). */
  onWarning?: (message: string) => void;
}

/**
 * Rolls out `n` training samples with the reference solver and keeps the episodes it solved (reward > 0.5),
 * plus, with `toolRate < 1`, unaided answers for the rest. A final turn that ends without a stop string
 * (react's `Final Answer: ...`) gets the EOS appended, so the model learns to stop there.
 *
 * @example const demos = await makeDemonstrations(task, { format: "submit", tokenizer, n: 2000, seed: 0 });
 */
export async function makeDemonstrations(task: Task, options: DemonstrationOptions): Promise<Episode[]> {
  const { format, tokenizer, toolRate = 1 } = options;
  if (!(toolRate >= 0 && toolRate <= 1)) throw new Error(`makeDemonstrations: toolRate must lie in [0, 1], got ${toolRate}`);
  const samples = task.samples({ seed: options.seed, n: options.n, split: "train" });
  const random = createPrng(options.seed, 1);
  const withTools = toolRate === 1 ? samples : samples.filter(() => random.next() < toolRate);
  const picked = new Set(withTools);
  const unaided = samples.filter((sample) => !picked.has(sample));
  const roll = (list: Sample[], policy: Policy) =>
    rolloutTask(task, { policy, tokenizer, format, samples: list, limits: options.limits, mode: options.mode ?? "async" });
  const cut = solverTurnsCut(task, withTools, { format, tokenizer, limits: options.limits });
  if (cut) options.onWarning?.(cut);
  const result = await roll(withTools, solverPolicy(task, format, tokenizer, withTools));
  const solved = result.episodes.filter((episode) => (episode.reward ?? 0) > 0.5);
  if (solved.length === 0 && withTools.length > 0) {
    const first = result.episodes[0];
    throw new Error(
      `The reference solver of task "${task.name}" solved none of ${options.n} samples in the ${format} format ` +
        `(first episode: status ${first?.status}, reward ${first?.reward}, text ${JSON.stringify(first?.text().slice(0, 200))}); ` +
        `${cut ?? "check the task's solve() and verifier."}`,
    );
  }
  if (unaided.length > 0) {
    const guesses = await roll(unaided, solverPolicy(task, format, tokenizer, unaided, { unaided: true }));
    solved.push(...guesses.episodes.filter((episode) => episode.status === "done"));
  }
  const stops = getParser(format).stop;
  for (const episode of solved) {
    const last = episode.segments[episode.segments.length - 1];
    const endsWithStop = stops.some((stop) => last.text.endsWith(stop));
    if (last.role === "model" && !endsWithStop && last.tokens[last.tokens.length - 1] !== tokenizer.eosId) {
      last.tokens = [...last.tokens, tokenizer.eosId];
    }
  }
  return solved;
}
