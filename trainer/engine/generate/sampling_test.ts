import { test } from "uvu";
import * as assert from "uvu/assert";
import { createPrng } from "../../../core/random/sfc32.ts";
import { nucleus, sampleToken, samplingScratch, sharedSamplingScratch } from "./sampling.ts";

const logits = Float32Array.from([2, 1, 0.5, 0, -1, -3]);
const V = logits.length;
const softmax = (xs: number[]) => {
  const m = Math.max(...xs);
  const e = xs.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
};
function frequencies(options: Parameters<typeof sampleToken>[1], n = 20000) {
  const rng = createPrng(1), scratch = samplingScratch(V), counts = new Array(V).fill(0);
  for (let i = 0; i < n; i++) counts[sampleToken(logits, options, { rng, scratch }).token]++;
  return counts.map((c) => c / n);
}

test("sampleToken draws from softmax(logits / temperature)", () => {
  const expected = softmax(Array.from(logits, (x) => x / 0.7));
  frequencies({ temperature: 0.7 }).forEach((f, j) => assert.ok(Math.abs(f - expected[j]) < 0.015, `token ${j}`));
});

test("top-k keeps the k most likely tokens and top-p the smallest nucleus reaching p", () => {
  const topK = frequencies({ temperature: 1, topK: 2 });
  const two = softmax([2, 1]);
  assert.ok(Math.abs(topK[0] - two[0]) < 0.015 && Math.abs(topK[1] - two[1]) < 0.015);
  assert.equal(topK.slice(2), [0, 0, 0, 0]);
  // probabilities ≈ [0.55, 0.20, 0.12, 0.07, ...]: p = 0.7 needs the top two, p = 0.8 the top three
  assert.equal(frequencies({ temperature: 1, topP: 0.7 }).map((f) => f > 0), [true, true, false, false, false, false]);
  assert.equal(frequencies({ temperature: 1, topP: 0.8 }).map((f) => f > 0), [true, true, true, false, false, false]);
});

test("temperature 0 is greedy and the logprob is the temperature-1 log-softmax", () => {
  const rng = createPrng(2), scratch = samplingScratch(V);
  const greedy = sampleToken(logits, { temperature: 0 }, { rng, scratch });
  assert.is(greedy.token, 0);
  const hot = sampleToken(logits, { temperature: 5, topK: 3 }, { rng, scratch });
  assert.ok(Math.abs(hot.logprob - Math.log(softmax(Array.from(logits))[hot.token])) < 1e-6);
});

/** The candidates by sorting every token (as sampleToken did before the threshold search). */
function nucleusBySortingAll(probs: Float64Array, topK: number, topP: number): number[] {
  const order = Array.from(probs, (_, j) => j).sort((a, b) => probs[b] - probs[a] || a - b);
  const k = Math.min(topK, probs.length);
  const kept = order.slice(0, k).reduce((sum, j) => sum + probs[j], 0);
  let cumulative = 0;
  for (let i = 0; i < k && topP < 1; i++) {
    cumulative += probs[order[i]] / kept;
    if (cumulative >= topP) return order.slice(0, i + 1);
  }
  return order.slice(0, k);
}

test("nucleus() picks the candidates that sorting every token picks, ties and zero probabilities included", () => {
  const rng = createPrng(5);
  for (let trial = 0; trial < 400; trial++) {
    const V = 1 + Math.floor(rng.next() * 3000);
    const spread = [1, 5, 20, 80][trial % 4];
    // logits on a coarse grid make ties; a spread of 80 underflows some exps to 0
    const logits = Array.from({ length: V }, () => Math.round(rng.next() * spread * 4) / 4);
    const max = Math.max(...logits);
    const probs = Float64Array.from(logits, (l) => Math.exp(l - max));
    const total = probs.reduce((a, b) => a + b, 0);
    const topK = trial % 3 === 0 ? V : 1 + Math.floor(rng.next() * Math.min(V, 60));
    const topP = trial % 5 === 0 ? 1 : 0.5 + 0.49 * rng.next();
    if (topK >= V && topP >= 1) continue;
    const order = new Int32Array(V);
    const count = nucleus(probs, order, topK, topP, total);
    assert.equal(Array.from(order.subarray(0, count)), nucleusBySortingAll(probs, topK, topP), `trial ${trial}: V ${V}, k ${topK}, p ${topP}`);
  }
});

test("sharedSamplingScratch() hands out one set of buffers per vocabulary size, and sampling with it draws as with its own", () => {
  assert.is(sharedSamplingScratch(V), sharedSamplingScratch(V));
  assert.is(sharedSamplingScratch(V + 1).probs.length, V + 1);
  const draws = (scratch: () => ReturnType<typeof samplingScratch>) => {
    const rngs = [createPrng(3), createPrng(4)];
    // two rows taking turns, as rows of different generate calls do within a step
    return Array.from({ length: 40 }, (_, i) => sampleToken(logits, { temperature: 0.8, topK: 4, topP: 0.9 }, { rng: rngs[i % 2], scratch: scratch() }).token);
  };
  const own = [samplingScratch(V), samplingScratch(V)];
  let turn = 0;
  assert.equal(draws(() => sharedSamplingScratch(V)), draws(() => own[turn++ % 2]));
});

test.run();
