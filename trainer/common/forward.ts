/**
 * What PPO and GRPO share around their losses: the batched forward pass without gradient (old and reference
 * logprobs, values, entropy), TRL's logged sequence KL and entropy, and gradient scaling.
 * Shapes: B rows, T tokens; per-token outputs are (B, T-1), row-major.
 */
import type { Model } from "../engine/types.ts";
import { type PackedBatch, selectRows } from "./batch.ts";

/**
 * Runs the forward pass (no grad) over the batch in chunks of `chunk` rows; outputs are (B, T-1).
 *
 * @example const old = await forwardBatch(policy, batch, 16); old.logprobs;
 */
export async function forwardBatch(
  model: Model,
  batch: PackedBatch,
  chunk: number,
): Promise<{ logprobs: Float32Array; values: Float32Array; entropy: Float32Array }> {
  const width = batch.T - 1;
  const logprobs = new Float32Array(batch.B * width);
  const values = new Float32Array(batch.B * width);
  const entropy = new Float32Array(batch.B * width);
  for (let start = 0; start < batch.B; start += chunk) {
    const rows = Array.from({ length: Math.min(chunk, batch.B - start) }, (_, i) => start + i);
    const part = selectRows(batch, rows);
    const out = await model.forward({ tokens: part.tokens, B: part.B, T: part.T, lengths: part.lengths });
    rows.forEach((r, i) => {
      const from = i * (part.T - 1);
      logprobs.set(out.logprobs.subarray(from, from + part.T - 1), r * width);
      values.set(out.values.subarray(from, from + part.T - 1), r * width);
      entropy.set(out.entropy.subarray(from, from + part.T - 1), r * width);
    });
  }
  return { logprobs, values, entropy };
}

/**
 * TRL's logged KL and entropy of a batch of B rows: per row the masked sum of `old - ref` (KL) and of
 * `-old` (entropy estimate) over the sampled tokens' logprobs, averaged over rows.
 *
 * @example sequenceKlAndEntropy(old, ref, mask, B); // { kl: ..., entropy: ... }
 */
export function sequenceKlAndEntropy(
  old: Float32Array, ref: Float32Array, mask: Float32Array, B: number,
): { kl: number; entropy: number } {
  let kl = 0, entropy = 0;
  for (let i = 0; i < old.length; i++) {
    kl += Math.fround(old[i] - ref[i]) * mask[i]; // rounded as a float32 per-token KL would be
    entropy -= old[i] * mask[i];
  }
  return B === 0 ? { kl: 0, entropy: 0 } : { kl: kl / B, entropy: entropy / B };
}

/** `grads` times `scale` (a copy; 1 returns the array itself). */
export function scaled(grads: Float32Array, scale: number): Float32Array {
  if (scale === 1) return grads;
  const out = new Float32Array(grads.length);
  for (let i = 0; i < grads.length; i++) out[i] = grads[i] * scale;
  return out;
}
