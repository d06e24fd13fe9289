/**
 * A `Policy` that plays a task's reference solver: for each context it takes the sample the rollout loop
 * names (`sampleIds`), or, for a caller that names none, the sample whose prompt the context starts with,
 * and writes `task.solve(sample, format, toolResults)` with the tool results the caller passes (`toolResults`;
 * the rollout loop passes its episodes' call records), or, with `unaided`, the task's tool-free answer
 * `task.answerUnaided(sample, format)`.
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
  const byId = new Map(prompts.map((entry) => [entry.sample.id, entry]));
  return scriptedPolicy(tokenizer, (context, index, generate) => {
    const id = generate.sampleIds?.[index];
    const named = id === undefined ? undefined : byId.get(id);
    if (id !== undefined && (!named || !context.startsWith(named.prompt))) {
      const why = named ? "its context does not start with its prompt in this format" : "it is not among the samples given";
      throw new Error(`solverPolicy for ${task.name}: sample ${JSON.stringify(id)} cannot be solved: ${why}; pass the samples you roll out`);
    }
    const hit = named ?? prompts.find(({ prompt }) => context.startsWith(prompt));
    if (!hit) {
      const shown = JSON.stringify(context.slice(0, 80));
      throw new Error(
        `solverPolicy for ${task.name}: no given sample's prompt starts the context ${shown}; pass the samples you roll out`,
      );
    }
    if (options.unaided) return task.answerUnaided!(hit.sample, format);
    const toolResults = generate.toolResults?.[index];
    if (toolResults === undefined && context.length > hit.prompt.length) {
      throw new Error(
        `solverPolicy for ${task.name}: sample ${JSON.stringify(hit.sample.id)}'s context goes on past its prompt, but no toolResults were passed for it; pass each context's tool results (the rollout loop does)`,
      );
    }
    return task.solve(hit.sample, format, toolResults ?? []);
  });
}
