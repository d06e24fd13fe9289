/**
 * A `Policy` that plays a task's reference solver: for each context it finds the sample whose
 * prompt the context starts with and writes `task.solve(sample, format, responseSoFar)` (or, with
 * `unaided`, the task's tool-free answer `task.answerUnaided(sample, format)`).
 */
import type { FormatName, Policy, Sample, Task, Tokenizer } from "../types.ts";
import { scriptedPolicy } from "./scripted.ts";

/**
 * A policy that solves `samples` of `task` in `format` the way the task's reference solver does.
 *
 * @example
 * ```ts
 * const samples = task.samples({ seed: 1, n: 8 });
 * const policy = solverPolicy(task, "submit", tokenizer, samples);
 * ```
 */
export function solverPolicy<S extends Sample>(
  task: Task<S>,
  format: FormatName,
  tokenizer: Tokenizer,
  samples: readonly S[],
  options: { unaided?: boolean } = {},
): Policy {
  if (options.unaided && !task.answerUnaided) {
    throw new Error(`solverPolicy: task "${task.name}" has no answerUnaided(); it cannot answer without its tools.`);
  }
  const prompts = samples
    .map((sample) => ({ sample, prompt: task.prompt(sample, format) }))
    .sort((a, b) => b.prompt.length - a.prompt.length);
  return scriptedPolicy(tokenizer, (context) => {
    const hit = prompts.find(({ prompt }) => context.startsWith(prompt));
    if (!hit) {
      const shown = JSON.stringify(context.slice(0, 80));
      throw new Error(
        `solverPolicy for ${task.name}: no given sample's prompt starts the context ${shown}; pass the samples you roll out`,
      );
    }
    if (options.unaided) return task.answerUnaided!(hit.sample, format);
    return task.solve(hit.sample, format, context.slice(hit.prompt.length));
  });
}
