/**
 * Demonstration episodes for the SFT warm-up: the task's reference solver rolled out through the real
 * rollout loop, so prompts, tool calls, tool results and masks are exactly what RL will see.
 */
import { solverPolicy } from "../../core/policy/solver.ts";
import { rolloutTask } from "../../core/rollout/rollout_task.ts";
import type { Episode, FormatName, RolloutLimits, Task, Tokenizer } from "../../core/types.ts";
import { getParser } from "../../core/parsers/index.ts";

/**
 * Rolls out `n` training samples with the reference solver and keeps the episodes it solved (reward > 0.5).
 * A final turn that ends without a stop string (react's `Final Answer: ...`) gets the EOS appended, so the
 * model learns to stop there.
 *
 * @example const demos = await makeDemonstrations(task, { format: "submit", tokenizer, n: 2000, seed: 0 });
 */
export async function makeDemonstrations(
  task: Task,
  options: { format: FormatName; tokenizer: Tokenizer; n: number; seed: number; limits?: Partial<RolloutLimits> },
): Promise<Episode[]> {
  const { format, tokenizer } = options;
  const samples = task.samples({ seed: options.seed, n: options.n, split: "train" });
  const result = await rolloutTask(task, {
    policy: solverPolicy(task, format, tokenizer, samples),
    tokenizer,
    format,
    samples,
    limits: options.limits,
    mode: "lockstep",
  });
  const solved = result.episodes.filter((episode) => (episode.reward ?? 0) > 0.5);
  if (solved.length === 0) {
    const first = result.episodes[0];
    throw new Error(
      `The reference solver of task "${task.name}" solved none of ${options.n} samples in the ${format} format ` +
        `(first episode: status ${first?.status}, reward ${first?.reward}, text ${JSON.stringify(first?.text().slice(0, 200))}); ` +
        `check the task's solve() and verifier.`,
    );
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
