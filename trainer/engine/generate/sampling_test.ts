import { test } from "uvu";
import * as assert from "uvu/assert";
import { createPrng } from "../../../core/random/sfc32.ts";
import { sampleToken, samplingScratch } from "./sampling.ts";

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

test.run();
