/**
 * The LM head's loss side, fused: log-softmax of logits (N,V), the logprob of each row's target
 * and the entropy of the row's distribution. Rows whose target is negative are skipped (zeros).
 */
import type { Floats } from "./floats.ts";

/** logprobs (N), entropy (N), lse (N) log-sum-exp kept for backward, from logits (N,V) and targets (N). */
export function logprobsForward(
  logprobs: Floats, entropy: Floats, lse: Floats,
  logits: Floats, targets: Int32Array,
  N: number, V: number,
): void {
  for (let n = 0; n < N; n++) {
    if (targets[n] < 0) {
      logprobs[n] = 0;
      entropy[n] = 0;
      lse[n] = 0;
      continue;
    }
    const z = n * V;
    let max = -Infinity;
    for (let j = 0; j < V; j++) if (logits[z + j] > max) max = logits[z + j];
    let sum = 0, weighted = 0;
    for (let j = 0; j < V; j++) {
      const e = Math.exp(logits[z + j] - max);
      sum += e;
      weighted += e * logits[z + j];
    }
    const l = max + Math.log(sum);
    lse[n] = l;
    logprobs[n] = logits[z + targets[n]] - l;
    // H = -Σ p log p = lse - Σ p z
    entropy[n] = l - weighted / sum;
  }
}

/**
 * Accumulates dlogits (N,V) from dlogprobs (N) and dentropy (N) (or null):
 * dz_j = dlogprob (1[j = target] - p_j) - dentropy p_j (log p_j + H).
 */
export function logprobsBackward(
  dlogits: Floats,
  dlogprobs: Floats, dentropy: Floats | null,
  logits: Floats, targets: Int32Array, lse: Floats, entropy: Floats,
  N: number, V: number,
): void {
  for (let n = 0; n < N; n++) {
    const target = targets[n];
    if (target < 0) continue;
    const z = n * V;
    const dlp = dlogprobs[n];
    const dh = dentropy === null ? 0 : dentropy[n];
    const l = lse[n], H = entropy[n];
    for (let j = 0; j < V; j++) {
      const logp = logits[z + j] - l;
      const p = Math.exp(logp);
      dlogits[z + j] += -dlp * p - dh * p * (logp + H);
    }
    dlogits[z + target] += dlp;
  }
}
