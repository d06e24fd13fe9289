import { test } from "uvu";
import * as assert from "uvu/assert";
import { randomFloats } from "../../conformance/fixtures.ts";
import { createPrng } from "../../../../core/random/sfc32.ts";
import { attentionDecode, attentionForward, cacheWrite } from "./attention.ts";

test("attentionDecode over a cache written by cacheWrite equals the causal attention row", () => {
  const B = 2, T = 9, NH = 4, NKV = 2, hs = 4, D = NKV * hs, maxT = 12;
  const rng = createPrng(3);
  const q = randomFloats(rng, B * T * NH * hs), k = randomFloats(rng, B * T * D), v = randomFloats(rng, B * T * D);
  const lengths = Int32Array.from([9, 6]);
  const out = new Float32Array(B * T * NH * hs), att = new Float32Array(B * NH * T * T);
  attentionForward(out, att, q, k, v, lengths, B, T, NH, NKV, hs);
  // rows swapped in the cache on purpose: batch row b lives in cache row 1 - b
  const kCache = new Float32Array(2 * maxT * D), vCache = new Float32Array(2 * maxT * D);
  const rows = Int32Array.from([1, 0]), offsets = new Int32Array(2);
  cacheWrite(kCache, k, rows, offsets, B, T, maxT, D);
  cacheWrite(vCache, v, rows, offsets, B, T, maxT, D);
  for (const t of [0, 4, 5]) {
    const qt = new Float32Array(B * NH * hs);
    for (let b = 0; b < B; b++) qt.set(q.subarray((b * T + t) * NH * hs, (b * T + t + 1) * NH * hs), b * NH * hs);
    const decoded = new Float32Array(B * NH * hs);
    attentionDecode(decoded, new Float32Array(B * NH * maxT), qt, kCache, vCache, rows, Int32Array.from([t + 1, t + 1]), B, maxT, NH, NKV, hs);
    for (let b = 0; b < B; b++) {
      const expected = out.subarray((b * T + t) * NH * hs, (b * T + t + 1) * NH * hs);
      const got = decoded.subarray(b * NH * hs, (b + 1) * NH * hs);
      assert.ok(got.every((x, i) => Math.abs(x - expected[i]) < 1e-5), `row ${b}, position ${t}`);
    }
  }
});

test("attentionForward zeroes padded query rows and never reads padded keys", () => {
  const B = 1, T = 6, NH = 2, NKV = 1, hs = 4;
  const rng = createPrng(4);
  const q = randomFloats(rng, T * NH * hs), k = randomFloats(rng, T * hs), v = randomFloats(rng, T * hs);
  const run = () => {
    const out = new Float32Array(T * NH * hs), att = new Float32Array(NH * T * T);
    attentionForward(out, att, q, k, v, Int32Array.of(4), B, T, NH, NKV, hs);
    return out;
  };
  const before = run();
  k.fill(100, 4 * hs);
  v.fill(100, 4 * hs);
  const after = run();
  assert.equal(Array.from(after), Array.from(before));
  assert.ok(after.subarray(4 * NH * hs).every((x) => x === 0));
});

test("cacheWrite of one-token rows (a prefill chunk) writes each token at its row and position, runs or not", () => {
  const D = 4, maxT = 6, Bc = 3;
  // a run of row 2 (positions 1..4), a lone token of row 0, a run of row 1 whose last position is past maxT
  const rows = Int32Array.from([2, 2, 2, 2, 0, 1, 1, 1]);
  const offsets = Int32Array.from([1, 2, 3, 4, 0, 4, 5, 6]);
  const B = rows.length;
  const inp = Float32Array.from({ length: B * D }, (_, i) => i + 1);
  const cache = new Float32Array(Bc * maxT * D).fill(-1);
  cacheWrite(cache, inp, rows, offsets, B, 1, maxT, D);
  const expected = new Float32Array(Bc * maxT * D).fill(-1);
  for (let b = 0; b < B; b++) {
    if (offsets[b] >= maxT) continue;
    for (let j = 0; j < D; j++) expected[(rows[b] * maxT + offsets[b]) * D + j] = inp[b * D + j];
  }
  assert.equal(Array.from(cache), Array.from(expected));
  // a token whose position does not follow the run's starts a new run
  const jump = new Float32Array(maxT * D);
  cacheWrite(jump, Float32Array.of(1, 1, 1, 1, 2, 2, 2, 2), Int32Array.of(0, 0), Int32Array.of(0, 3), 2, 1, maxT, D);
  assert.equal(Array.from(jump.subarray(0, 4 * D)), [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 2]);
});

test.run();
