/**
 * Teacher forcing through generation: a `Policy` that makes the engine generate — prefill of the real
 * context, one decode step per token over its KV cache, the same batch — exactly as many tokens as a
 * script (a task's reference solver) writes for each context, feeding the script's tokens in place of
 * sampled ones (`forceTokens`). The compute is the engine's own; only the token values are chosen, so
 * a model with random weights still makes well-formed tool calls and every episode exercises the loop.
 * The KV cache then holds what the next turn's context holds, so the engine's prefix cache reuses it
 * as it would for a trained model's own tokens. Logprobs are dropped.
 */
import type { GenerateOptions, Generation, Policy } from "../../core/types.ts";
import type { EngineGenerateOptions } from "../../trainer/engine/generate/generate.ts";

/** What the forcing did: tokens the script wrote, and the tokens the engine computed for them. */
export interface ForcingStats {
  forcedTokens: number;
  /** Below `forcedTokens` only when a context outgrew the model's maximum length. */
  computedTokens: number;
  generateCalls: number;
}

/** A forced policy with its running statistics. */
export interface ForcedPolicy extends Policy {
  readonly stats: ForcingStats;
}

/** Anything that generates like the engine (takes stop tokens). */
export interface Generator {
  generate(contexts: number[][], options: EngineGenerateOptions): Promise<Generation[]>;
  /** Whether concurrent calls share decode steps (the engine with its prefix cache on). */
  readonly batchesConcurrentCalls?: boolean;
}

/**
 * Wraps `engine` so it generates as many tokens as `script` writes and returns the script's tokens.
 *
 * @example
 * ```ts
 * const policy = forcedPolicy(model, solverPolicy(task, "submit", tokenizer, samples));
 * await rollout({ policy, tokenizer, format: "submit", tools: task.tools, items });
 * ```
 */
export function forcedPolicy(engine: Generator, script: Policy): ForcedPolicy {
  const stats: ForcingStats = { forcedTokens: 0, computedTokens: 0, generateCalls: 0 };
  return {
    stats,
    // read at each rollout, so switching the engine's prefix cache off switches the loop back to one call at a time
    get batchesConcurrentCalls() {
      return engine.batchesConcurrentCalls === true;
    },
    async generate(contexts: number[][], options: GenerateOptions): Promise<Generation[]> {
      const forced = await script.generate(contexts, options);
      const lengths = forced.map((generation) => generation.tokens.length);
      // No stop strings or stop tokens: the engine runs each row for exactly its forced length.
      const forceTokens = forced.map((generation) => generation.tokens);
      const computed = await engine.generate(contexts, { ...options, stop: [], stopTokens: [], maxNewTokens: lengths, forceTokens });
      stats.generateCalls += 1;
      for (let i = 0; i < forced.length; i++) {
        stats.forcedTokens += lengths[i];
        stats.computedTokens += computed[i].tokens.length;
      }
      return forced.map(({ tokens, finishReason }) => ({ tokens, finishReason }));
    },
  };
}
