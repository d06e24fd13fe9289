/**
 * Batched generation over a KV cache: prefill every context once, then one token per step for all
 * unfinished rows; a row that writes a stop token (EOS) or a stop string, or reaches its token budget
 * or the model's maximum length, leaves the decode batch and costs nothing more.
 */
import type { GenerateOptions, Generation, Tokenizer } from "../../../core/types.ts";
import { createPrng, type Prng } from "../../../core/random/sfc32.ts";
import { sampleToken, samplingScratch } from "./sampling.ts";

/** What generation needs from a model: prefill contexts into a cache, then decode token by token. */
export interface Decoder {
  readonly vocabSize: number;
  readonly maxSeqLen: number;
  /**
   * Fills a cache row per context (room for `maxT` positions each): rows[b], or row b when `rows` is
   * absent; returns next-token logits (B,V).
   */
  prefill(contexts: number[][], maxT: number): Promise<{ logits: Float32Array; rows?: Int32Array }>;
  /** Feeds tokens[i] at positions[i] of cache row rows[i] for i < B; returns logits (B,V). */
  decode(rows: Int32Array, tokens: Int32Array, positions: Int32Array, B: number): Promise<Float32Array>;
  /** After a call that ran to the end: cache row rows[b] holds the keys and values of sequences[b] (a prefix cache keeps them). */
  retain?(rows: Int32Array, sequences: number[][]): void;
}

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

interface Row {
  context: number[];
  budget: number;
  tokens: number[];
  logprobs: number[];
  finish: Generation["finishReason"] | null;
  rng: Prng;
  forced: number[] | null;
}

/**
 * Generates continuations of `contexts`; tokens include the stop token or the token that completed a
 * stop string, and `logprobs` are the model's temperature-1 logprobs of the sampled tokens.
 * Row i samples from its own stream seeded by `seeds[i]` when given, else by (seed, i), so results do not
 * depend on the other rows.
 *
 * @example
 * ```ts
 * const [g] = await generate({ decoder, tokenizer }, [tokenizer.encode("2+2=")], { maxNewTokens: 4, temperature: 0 });
 * ```
 */
export async function generate(
  model: { decoder: Decoder; tokenizer: Tokenizer }, contexts: number[][], options: EngineGenerateOptions,
): Promise<Generation[]> {
  const { decoder, tokenizer } = model;
  const V = decoder.vocabSize;
  const seed = options.seed ?? 0;
  const stops = (options.stop ?? []).filter((s) => s.length > 0);
  const stopTokens = new Set(options.stopTokens ?? [tokenizer.eosId]);
  // A stop string that is one special token (`<|im_end|>`, `<|eot_id|>`) stops on its id, without decoding the row.
  const stopIds = new Set(stops.map((s) => tokenizer.specialTokens[s]).filter((id) => id !== undefined));
  const sampling = { temperature: options.temperature ?? 1, topK: options.topK, topP: options.topP };
  const rows: Row[] = contexts.map((context, i) => {
    if (context.length === 0) throw new Error(`generate: context ${i} is empty; give at least one token (e.g. BOS).`);
    const bad = context.find((id) => !Number.isInteger(id) || id < 0 || id >= V);
    if (bad !== undefined) throw new Error(`generate: context ${i} holds token ${bad}, outside the vocabulary [0, ${V})`);
    const wanted = Array.isArray(options.maxNewTokens) ? options.maxNewTokens[i] : options.maxNewTokens;
    if (!Number.isInteger(wanted) || wanted < 0) {
      throw new Error(`generate: maxNewTokens for context ${i} must be a non-negative integer, got ${wanted}`);
    }
    const forced = options.forceTokens ? forcedRow(options.forceTokens, i, V) : null;
    const budget = Math.min(wanted, decoder.maxSeqLen - context.length, forced?.length ?? Infinity);
    const rng = options.seeds ? createPrng(rowSeed(options.seeds, i)) : createPrng(seed, i);
    return { context, budget, tokens: [], logprobs: [], finish: budget > 0 ? null : "length", rng, forced };
  });
  const live = rows.map((_, i) => i).filter((i) => rows[i].finish === null);
  if (live.length === 0) return rows.map(result);
  const maxT = Math.max(...live.map((i) => rows[i].context.length + rows[i].budget));
  const scratch = samplingScratch(V);

  const accept = (row: Row, logits: Float32Array, offset: number) => {
    const rowLogits = logits.subarray(offset, offset + V);
    // a forced row still samples (and drops it), so forcing costs what generating does
    const sampled = sampleToken(rowLogits, sampling, { rng: row.rng, scratch });
    const { token, logprob } = row.forced ? forcedToken(rowLogits, row.forced[row.tokens.length]) : sampled;
    row.tokens.push(token);
    row.logprobs.push(logprob);
    if (stopTokens.has(token)) row.finish = "eos";
    else if (stopIds.has(token)) row.finish = "stop";
    else if (stops.length > 0 && hitsStop(tokenizer.decode(row.tokens), stops)) row.finish = "stop";
    else if (row.tokens.length >= row.budget) row.finish = "length";
  };

  const prefilled = await decoder.prefill(live.map((i) => rows[i].context), maxT);
  let logits = prefilled.logits;
  const liveRows = prefilled.rows ?? Int32Array.from(live, (_, j) => j);
  let active = live.map((i, j) => ({ row: rows[i], cacheRow: liveRows[j] }));
  active.forEach((a, j) => accept(a.row, logits, j * V));
  const cacheRows = new Int32Array(active.length), tokens = new Int32Array(active.length);
  const positions = new Int32Array(active.length);
  for (;;) {
    active = active.filter((a) => a.row.finish === null);
    if (active.length === 0) break;
    options.signal?.throwIfAborted();
    active.forEach((a, j) => {
      cacheRows[j] = a.cacheRow;
      tokens[j] = a.row.tokens[a.row.tokens.length - 1];
      positions[j] = a.row.context.length + a.row.tokens.length - 1;
    });
    logits = await decoder.decode(cacheRows, tokens, positions, active.length);
    active.forEach((a, j) => accept(a.row, logits, j * V));
  }
  // every token but each row's last was fed, so its cache row holds context + tokens[..-1]
  decoder.retain?.(liveRows, live.map((i) => [...rows[i].context, ...rows[i].tokens.slice(0, -1)]));
  return rows.map(result);
}

function forcedRow(forceTokens: (number[] | null)[], i: number, V: number): number[] | null {
  const forced = forceTokens[i];
  if (forced === null) return null;
  if (!Array.isArray(forced)) throw new Error(`generate: forceTokens[${i}] must be an array of token ids (one per context), got ${forced}`);
  const bad = forced.find((id) => !Number.isInteger(id) || id < 0 || id >= V);
  if (bad !== undefined) throw new Error(`generate: forceTokens[${i}] holds token ${bad}, outside the vocabulary [0, ${V})`);
  return forced;
}

/** The forced token and its temperature-1 logprob. */
function forcedToken(logits: Float32Array, token: number): { token: number; logprob: number } {
  let max = -Infinity;
  for (let j = 0; j < logits.length; j++) if (logits[j] > max) max = logits[j];
  let sum = 0;
  for (let j = 0; j < logits.length; j++) sum += Math.exp(logits[j] - max);
  return { token, logprob: logits[token] - max - Math.log(sum) };
}

function rowSeed(seeds: readonly number[], i: number): number {
  const seed = seeds[i];
  if (!Number.isInteger(seed)) throw new Error(`generate: seeds[${i}] must be an integer (one seed per context), got ${seed}`);
  return seed;
}

function hitsStop(text: string, stops: string[]): boolean {
  return stops.some((s) => text.includes(s));
}

function result(row: Row): Generation {
  return { tokens: row.tokens, logprobs: row.logprobs, finishReason: row.finish ?? "length" };
}
