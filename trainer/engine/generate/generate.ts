/**
 * Batched generation over a KV cache: prefill every context once, then one token per step for all
 * unfinished rows; a row that writes a stop token (EOS) or a stop string, or reaches its token budget
 * or the model's maximum length, leaves the decode batch and costs nothing more.
 */
import type { Generation, Tokenizer } from "../../../core/types.ts";
import { createRows, type EngineGenerateOptions, result, tokenTaker } from "./rows.ts";

export type { EngineGenerateOptions };

/** What generation needs from a model: prefill contexts into a cache, then decode token by token. */
export interface Decoder {
  readonly vocabSize: number;
  readonly maxSeqLen: number;
  /** Fills cache row b with context b (room for `maxT` positions each); returns next-token logits (B,V). */
  prefill(contexts: number[][], maxT: number): Promise<{ logits: Float32Array }>;
  /** Feeds tokens[i] at positions[i] of cache row rows[i] for i < B; returns logits (B,V). */
  decode(rows: Int32Array, tokens: Int32Array, positions: Int32Array, B: number): Promise<Float32Array>;
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
  const rows = createRows(contexts, options, decoder);
  const live = rows.map((_, i) => i).filter((i) => rows[i].finish === null);
  if (live.length === 0) return rows.map(result);
  const maxT = Math.max(...live.map((i) => rows[i].context.length + rows[i].budget));
  const accept = tokenTaker(tokenizer, options, V);

  const prefilled = await decoder.prefill(live.map((i) => rows[i].context), maxT);
  let logits = prefilled.logits;
  let active = live.map((i, j) => ({ row: rows[i], cacheRow: j }));
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
  return rows.map(result);
}

