/**
 * Picks the next token from one row of logits: greedy at temperature 0, else softmax(logits / T)
 * restricted to the top-k tokens and then to the smallest set whose probability reaches top-p
 * (Hugging Face's order). The returned logprob is the model's own, log-softmax of the raw logits at
 * temperature 1 without the top-k/top-p cut, which is what PPO's old logprobs mean.
 */
import type { Prng } from "../../../core/random/sfc32.ts";

/** Sampling settings (0 or undefined turns top-k off; 1 or undefined turns top-p off). */
export interface SamplingOptions {
  temperature: number;
  topK?: number;
  topP?: number;
}

/** Reusable per-call buffers for `sampleToken`. */
export interface SamplingScratch {
  probs: Float64Array;
  order: Int32Array;
}

/** Buffers for a vocabulary of V. */
export function samplingScratch(V: number): SamplingScratch {
  return { probs: new Float64Array(V), order: new Int32Array(V) };
}

/**
 * Samples from one row of logits (V); returns the token and its temperature-1 logprob.
 *
 * @example
 * ```ts
 * const { token, logprob } = sampleToken(row, { temperature: 0.7, topP: 0.9 }, { rng, scratch: samplingScratch(V) });
 * ```
 */
export function sampleToken(
  logits: Float32Array, options: SamplingOptions, state: { rng: Prng; scratch: SamplingScratch },
): { token: number; logprob: number } {
  const V = logits.length;
  const { rng, scratch } = state;
  let max = -Infinity, argmax = 0;
  for (let j = 0; j < V; j++) {
    if (logits[j] > max) {
      max = logits[j];
      argmax = j;
    }
  }
  const { probs, order } = scratch;
  const inv = options.temperature > 0 ? 1 / options.temperature : 1;
  // exp((logit - max) / T) into probs; at T = 1 (or greedy) these are the log-softmax's terms too
  let total = 0;
  for (let j = 0; j < V; j++) {
    probs[j] = Math.exp((logits[j] - max) * inv);
    total += probs[j];
  }
  let sum = total;
  if (inv !== 1) {
    sum = 0;
    for (let j = 0; j < V; j++) sum += Math.exp(logits[j] - max);
  }
  const lse = max + Math.log(sum);
  const result = (token: number) => ({ token, logprob: logits[token] - lse });
  if (!(options.temperature > 0)) return result(argmax);

  const topK = options.topK && options.topK > 0 && options.topK < V ? options.topK : V;
  const topP = options.topP !== undefined && options.topP < 1 ? options.topP : 1;
  let count = V;
  if (topK < V || topP < 1) {
    // candidates by probability, highest first; keep the top k, then the top-p nucleus (at least one)
    for (let j = 0; j < V; j++) order[j] = j;
    order.sort((a, b) => probs[b] - probs[a]);
    count = topK;
    let kept = 0;
    for (let i = 0; i < count; i++) kept += probs[order[i]];
    if (topP < 1) {
      let cumulative = 0;
      for (let i = 0; i < count; i++) {
        cumulative += probs[order[i]] / kept;
        if (cumulative >= topP) {
          count = i + 1;
          break;
        }
      }
    }
    total = 0;
    for (let i = 0; i < count; i++) total += probs[order[i]];
  }
  let u = rng.next() * total;
  for (let i = 0; i < count; i++) {
    const j = count === V ? i : order[i];
    u -= probs[j];
    if (u < 0) return result(j);
  }
  return result(count === V ? V - 1 : order[count - 1]);
}
