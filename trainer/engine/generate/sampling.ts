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

let shared: SamplingScratch | null = null;

/**
 * One set of buffers for a vocabulary of V, shared by every caller in this realm (`sampleToken` is synchronous,
 * so no two uses overlap): a `generate` call per episode would otherwise allocate 1.8 MB per call at a 152k
 * vocabulary.
 */
export function sharedSamplingScratch(V: number): SamplingScratch {
  if (!shared || shared.probs.length !== V) shared = samplingScratch(V);
  return shared;
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
    count = nucleus(probs, order, topK, topP, total);
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

/**
 * The top-k then top-p candidates of `probs` (unnormalized, the largest 1, summing to `total`): writes them to
 * `order[0..count)`, most likely first (ties by token id), and returns `count` (at least 1). Sorting all V
 * tokens took ~50 ms a row at a 152k vocabulary. The top k come from a heap of k; top-p alone sorts only the
 * tokens at or above a probability threshold, lowered until they hold the top-p mass (they are a prefix of
 * the full order, ties included), or all of them if rounding leaves the cut outside.
 */
export function nucleus(probs: Float64Array, order: Int32Array, topK: number, topP: number, total: number): number {
  const V = probs.length;
  let m: number;
  let kept: number;
  if (topK < V) {
    m = topKInto(probs, order, topK);
    kept = 0;
    for (let i = 0; i < m; i++) kept += probs[order[i]];
  } else {
    m = 0;
    for (let threshold = 1 / 4; m < V; threshold = threshold > 1e-30 ? threshold / 4 : 0) {
      let mass = 0;
      m = 0;
      for (let j = 0; j < V; j++) {
        if (probs[j] >= threshold) {
          order[m++] = j;
          mass += probs[j];
        }
      }
      if (mass >= topP * total) break;
    }
    order.subarray(0, m).sort((a, b) => probs[b] - probs[a] || a - b);
    kept = total;
  }
  if (topP >= 1) return m;
  const count = topPCut(probs, order, m, topP, kept);
  if (count > 0) return count;
  if (m === V || topK < V) return m;
  // rounding put the cut past the candidates: sort every token
  for (let j = 0; j < V; j++) order[j] = j;
  order.sort((a, b) => probs[b] - probs[a] || a - b);
  return topPCut(probs, order, V, topP, kept) || V;
}

/** How many of `order[0..m)` the top-p nucleus keeps (mass over `kept` reaching `topP`), or 0 if they never reach it. */
function topPCut(probs: Float64Array, order: Int32Array, m: number, topP: number, kept: number): number {
  let cumulative = 0;
  for (let i = 0; i < m; i++) {
    cumulative += probs[order[i]] / kept;
    if (cumulative >= topP) return i + 1;
  }
  return 0;
}

/** The k most likely tokens (ties: lower id first) into `order[0..k)`, most likely first, through a heap of k. */
function topKInto(probs: Float64Array, order: Int32Array, k: number): number {
  // a min-heap on (probability, then higher id as lower): its root is the worst of the k kept so far
  const worse = (a: number, b: number) => probs[a] < probs[b] || (probs[a] === probs[b] && a > b);
  const heap = order; // the first k entries of order hold the heap
  let size = 0;
  const siftDown = (i: number) => {
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let w = i;
      if (l < size && worse(heap[l], heap[w])) w = l;
      if (r < size && worse(heap[r], heap[w])) w = r;
      if (w === i) return;
      const t = heap[i];
      heap[i] = heap[w];
      heap[w] = t;
      i = w;
    }
  };
  for (let j = 0; j < probs.length; j++) {
    if (size < k) {
      let i = size++;
      heap[i] = j;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!worse(heap[i], heap[parent])) break;
        const t = heap[i];
        heap[i] = heap[parent];
        heap[parent] = t;
        i = parent;
      }
    } else if (worse(heap[0], j)) {
      heap[0] = j;
      siftDown(0);
    }
  }
  heap.subarray(0, size).sort((a, b) => probs[b] - probs[a] || a - b);
  return size;
}
