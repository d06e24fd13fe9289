/** `rolloutTask`: the rollout loop over a task's samples, with the task's prompts, tools, limits and verifier. */
import type { FormatName, Sample, Task } from "../types.ts";
import { rollout, type RolloutOptions, type RolloutResult } from "./rollout.ts";

/** `rollout`'s options less what the task supplies (tools, items, verifier), plus the samples. */
export interface RolloutTaskOptions<S extends Sample = Sample> extends Omit<RolloutOptions, "tools" | "items" | "verifier" | "format"> {
  format: FormatName;
  samples: S[];
  /** Episodes per sample, next to each other in the result (default 1; GRPO's group size). */
  repeats?: number;
}

/**
 * Rolls out `samples` of `task`: each prompt in `format`, the task's tools and verifier, its limits
 * under the caller's `limits`.
 *
 * @example
 * ```ts
 * const samples = task.samples({ seed: 0, n: 8, split: "eval" });
 * const { episodes } = await rolloutTask(task, { policy, tokenizer, format: "hermes", samples });
 * ```
 */
export function rolloutTask<S extends Sample>(task: Task<S>, options: RolloutTaskOptions<S>): Promise<RolloutResult> {
  const { samples, repeats = 1, format, limits, ...rest } = options;
  const items = samples.flatMap((sample) => {
    const prompt = task.prompt(sample, format);
    return Array.from({ length: repeats }, () => ({ prompt, sample }));
  });
  return rollout({
    ...rest,
    format,
    tools: task.tools,
    items,
    limits: { ...task.limits, ...limits },
    verifier: task.verifier as RolloutOptions["verifier"],
  });
}
