/**
 * One generated sequence's bookkeeping, shared by `generate` (one call at a time) and the step batcher
 * (calls joined per decoding step): checking a call's contexts and options into rows, and taking one
 * row's next token from its logits (sampled, or forced) and deciding whether the row has finished.
 */
import type { GenerateOptions, Generation, Tokenizer } from "../../../core/types.ts";
import { createPrng, type Prng } from "../../../core/random/sfc32.ts";
import { stopChecker } from "../../../core/tokenizer/stop_check.ts";
import { sampleToken, sharedSamplingScratch } from "./sampling.ts";

/** `GenerateOptions` plus stop tokens (default: the tokenizer's EOS). */
export interface EngineGenerateOptions extends GenerateOptions {
  /** Token ids that end a sequence (kept in its output, finishReason "eos"). */
  stopTokens?: number[];
  /**
   * Teacher forcing: context i writes forceTokens[i] (at most that many tokens) instead of sampling, with
   * the model's logprobs of them; stops still apply; a null entry samples as usual. It still samples (and drops
   * the sample), so the compute is the same as generating.
   */
  forceTokens?: (number[] | null)[];
}

/** A sequence being generated. */
export interface Row {
  context: number[];
  budget: number;
  tokens: number[];
  logprobs: number[];
  finish: Generation["finishReason"] | null;
  rng: Prng;
  forced: number[] | null;
}

/**
 * Checks `contexts` and `options` (throwing with the offending context or value) and returns a row per
 * context; a row with no budget is finished ("length") from the start.
 *
 * @example
 * ```ts
 * const rows = createRows([[1, 2]], { maxNewTokens: 4 }, { vocabSize: 97, maxSeqLen: 64 });
 * ```
 */
export function createRows(
  contexts: number[][], options: EngineGenerateOptions, limits: { vocabSize: number; maxSeqLen: number },
): Row[] {
  const V = limits.vocabSize;
  const seed = options.seed ?? 0;
  return contexts.map((context, i) => {
    if (context.length === 0) throw new Error(`generate: context ${i} is empty; give at least one token (e.g. BOS).`);
    const bad = context.find((id) => !Number.isInteger(id) || id < 0 || id >= V);
    if (bad !== undefined) throw new Error(`generate: context ${i} holds token ${bad}, outside the vocabulary [0, ${V})`);
    const wanted = Array.isArray(options.maxNewTokens) ? options.maxNewTokens[i] : options.maxNewTokens;
    if (!Number.isInteger(wanted) || wanted < 0) {
      throw new Error(`generate: maxNewTokens for context ${i} must be a non-negative integer, got ${wanted}`);
    }
    const forced = options.forceTokens ? forcedRow(options.forceTokens, i, V) : null;
    const budget = Math.min(wanted, limits.maxSeqLen - context.length, forced?.length ?? Infinity);
    const rng = options.seeds ? createPrng(rowSeed(options.seeds, i)) : createPrng(seed, i);
    return { context, budget, tokens: [], logprobs: [], finish: budget > 0 ? null : "length", rng, forced };
  });
}

/**
 * The function that takes a row's next token from logits[offset..offset+V) under `options` (sampling,
 * stops, forcing) and marks the row finished when it stops or reaches its budget.
 */
export function tokenTaker(
  tokenizer: Tokenizer, options: EngineGenerateOptions, V: number,
): (row: Row, logits: Float32Array, offset: number) => void {
  const stops = (options.stop ?? []).filter((s) => s.length > 0);
  // decodes only the row's last tokens at each step (the row has held no stop before)
  const hitsStop = stopChecker(tokenizer, stops);
  const stopTokens = new Set(options.stopTokens ?? [tokenizer.eosId]);
  // A stop string that is one special token (`<|im_end|>`, `<|eot_id|>`) stops on its id, without decoding the row.
  const stopIds = new Set(stops.map((s) => tokenizer.specialTokens[s]).filter((id) => id !== undefined));
  const sampling = { temperature: options.temperature ?? 1, topK: options.topK, topP: options.topP };
  const scratch = sharedSamplingScratch(V);
  return (row, logits, offset) => {
    const rowLogits = logits.subarray(offset, offset + V);
    // a forced row still samples (and drops it), so forcing costs what generating does
    const sampled = sampleToken(rowLogits, sampling, { rng: row.rng, scratch });
    // the forced token's logprob from the same log-sum-exp: logit - lse, where lse = sampled logit - its logprob
    const forced = row.forced?.[row.tokens.length];
    const token = forced ?? sampled.token;
    const logprob = forced === undefined ? sampled.logprob : rowLogits[forced] - (rowLogits[sampled.token] - sampled.logprob);
    row.tokens.push(token);
    row.logprobs.push(logprob);
    if (stopTokens.has(token)) row.finish = "eos";
    else if (stopIds.has(token)) row.finish = "stop";
    else if (hitsStop?.(row.tokens)) row.finish = "stop";
    else if (row.tokens.length >= row.budget) row.finish = "length";
  };
}

/** A row's `Generation`. */
export function result(row: Row): Generation {
  return { tokens: row.tokens, logprobs: row.logprobs, finishReason: row.finish ?? "length" };
}

function forcedRow(forceTokens: (number[] | null)[], i: number, V: number): number[] | null {
  const forced = forceTokens[i];
  if (forced === null) return null;
  if (!Array.isArray(forced)) throw new Error(`generate: forceTokens[${i}] must be an array of token ids (one per context), got ${forced}`);
  const bad = forced.find((id) => !Number.isInteger(id) || id < 0 || id >= V);
  if (bad !== undefined) throw new Error(`generate: forceTokens[${i}] holds token ${bad}, outside the vocabulary [0, ${V})`);
  return forced;
}

function rowSeed(seeds: readonly number[], i: number): number {
  const seed = seeds[i];
  if (!Number.isInteger(seed)) throw new Error(`generate: seeds[${i}] must be an integer (one seed per context), got ${seed}`);
  return seed;
}
