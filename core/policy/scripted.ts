/**
 * A `Policy` that writes what a script says: for tests, reference solvers and demonstrations. It
 * behaves like a sampler with stop strings: the output is cut right after the first stop string
 * (kept), after an EOS the script wrote, or at `maxNewTokens` tokens.
 */
import type { GenerateOptions, Generation, Policy, Tokenizer } from "../types.ts";

/** The next model turn for a context (decoded text) at `index` in the batch, given the call's options. */
export type PolicyScript = (contextText: string, index: number, options: GenerateOptions) => string;

/**
 * A policy continuing each context with `next(contextText, index)`.
 *
 * @example
 * ```ts
 * const policy = scriptedPolicy(tokenizer, () => "<request><Calculator>2+2<call> ignored");
 * (await policy.generate([tokenizer.encode("Q")], { stop: ["<call>"], maxNewTokens: 32 }))[0].finishReason; // "stop"
 * ```
 */
export function scriptedPolicy(tokenizer: Tokenizer, next: PolicyScript): Policy {
  const eos = tokenizer.decode([tokenizer.eosId]);
  return {
    async generate(contexts: number[][], options: GenerateOptions): Promise<Generation[]> {
      await Promise.resolve();
      options.signal?.throwIfAborted();
      return contexts.map((context, index) => {
        const max = Array.isArray(options.maxNewTokens) ? options.maxNewTokens[index] : options.maxNewTokens;
        return continueWith(next(tokenizer.decode(context), index, options), { stop: options.stop ?? [], eos, max, tokenizer });
      });
    },
  };
}

function continueWith(
  text: string,
  { stop, eos, max, tokenizer }: { stop: string[]; eos: string; max: number; tokenizer: Tokenizer },
): Generation {
  let end = Infinity;
  let finishReason: Generation["finishReason"] = "stop";
  for (const [marker, reason] of [...stop.map((s) => [s, "stop"] as const), [eos, "eos"] as const]) {
    const at = marker === "" ? -1 : text.indexOf(marker);
    if (at !== -1 && at + marker.length < end) [end, finishReason] = [at + marker.length, reason];
  }
  const tokens = tokenizer.encode(text.slice(0, Math.min(end, text.length)));
  if (tokens.length > max) return { tokens: tokens.slice(0, Math.max(0, max)), finishReason: "length" };
  return { tokens, finishReason };
}
