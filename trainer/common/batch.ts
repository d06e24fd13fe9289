/**
 * Packing episodes into the engine's padded (B, T) batches, with the loss mask on the forward's (B, T-1) grid.
 *
 * Shapes: B rows, T tokens per row (right-padded). Forward outputs live on (B, T-1): position t scores
 * token t+1, so `mask[b, t]` is the episode mask of token t+1: 1 when the model wrote it, 0 on prompt,
 * tool output and padding. Segments were tokenized once by the rollout; nothing is re-tokenized here.
 */
import type { Role } from "../../core/types.ts";

/** What packing needs from an episode (a core `Episode` has all of it). */
export interface PackableEpisode {
  segments: { role: Role; tokens: number[] }[];
}

/** A padded batch and its loss mask. */
export interface PackedBatch {
  /** (B, T) token ids, right-padded. */
  tokens: Int32Array;
  B: number;
  T: number;
  /** Valid tokens per row. */
  lengths: number[];
  /** (B, T-1): 1 where the token predicted at position t is trained on. */
  mask: Float32Array;
}

/** Options of `packEpisodes`. */
export interface PackOptions {
  padId: number;
  /** Rows are cut to this many tokens (the model's context); the cut tail takes no part in the loss. */
  maxSeqLen?: number;
  /** The mask ablation: train on tool-output tokens too (prompt tokens stay out). Default false. */
  includeToolTokens?: boolean;
}

/**
 * Packs episodes into one right-padded batch with the model-token mask.
 *
 * @example const batch = packEpisodes(episodes, { padId: tokenizer.padId, maxSeqLen: 256 });
 */
export function packEpisodes(episodes: readonly PackableEpisode[], options: PackOptions): PackedBatch {
  const rows = episodes.map((episode) => {
    const tokens: number[] = [];
    const trained: number[] = [];
    for (const segment of episode.segments) {
      const on = segment.role === "model" || (options.includeToolTokens === true && segment.role === "tool") ? 1 : 0;
      for (const token of segment.tokens) {
        tokens.push(token);
        trained.push(on);
      }
    }
    const limit = options.maxSeqLen ?? tokens.length;
    return { tokens: tokens.slice(0, limit), trained: trained.slice(0, limit) };
  });
  const B = rows.length;
  const T = Math.max(2, ...rows.map((row) => row.tokens.length));
  const tokens = new Int32Array(B * T).fill(options.padId);
  const mask = new Float32Array(B * (T - 1));
  const lengths: number[] = [];
  rows.forEach((row, b) => {
    tokens.set(row.tokens, b * T);
    lengths.push(row.tokens.length);
    for (let t = 0; t + 1 < row.tokens.length; t++) mask[b * (T - 1) + t] = row.trained[t + 1];
  });
  return { tokens, B, T, lengths, mask };
}

/**
 * The rows `rows` of a batch, with T cut to the longest of them (so a minibatch does no work on padding).
 *
 * @example const minibatch = selectRows(batch, [3, 0, 7]);
 */
export function selectRows(batch: PackedBatch, rows: readonly number[]): PackedBatch {
  const T = Math.max(2, ...rows.map((r) => batch.lengths[r]));
  const tokens = new Int32Array(rows.length * T);
  rows.forEach((r, i) => tokens.set(batch.tokens.subarray(r * batch.T, r * batch.T + T), i * T));
  return {
    tokens,
    B: rows.length,
    T,
    lengths: rows.map((r) => batch.lengths[r]),
    mask: gatherRows(batch.mask, { width: batch.T - 1, rows, outWidth: T - 1 }),
  };
}

/**
 * Rows of a flat (B, width) array, each cut to `outWidth` columns.
 *
 * @example gatherRows(values, { width: batch.T - 1, rows: [2, 5], outWidth: minibatch.T - 1 });
 */
export function gatherRows(
  source: Float32Array,
  options: { width: number; rows: readonly number[]; outWidth: number },
): Float32Array {
  const { width, rows, outWidth } = options;
  const out = new Float32Array(rows.length * outWidth);
  rows.forEach((r, i) => out.set(source.subarray(r * width, r * width + outWidth), i * outWidth));
  return out;
}
