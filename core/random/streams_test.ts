// The first draws of every public stream, recorded before the generators moved into core/random: a change here
// changes which samples a seed trains on, a model's initial weights, or its shuffling, and so every recorded run.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createPrng, createRng, permutation, seededRandom, splitmix32 } from "./mod.ts";

const take = (n: number, draw: () => number) => Array.from({ length: n }, draw);

test("splitmix32(7) gives its recorded words", () => {
  assert.equal(take(4, splitmix32(7)), [588686121, 1937383562, 4286812467, 2372217166]);
});

test("seededRandom (mulberry32, task samples) gives its recorded floats, integers and picks", () => {
  const random = seededRandom(0);
  assert.equal(take(4, random.next), [0.26642920868471265, 0.0003297457005828619, 0.2232720274478197, 0.1462021479383111]);
  assert.equal(take(4, () => random.int(0, 49)), [23, 27, 30, 32]);
  const picks = seededRandom(12345);
  assert.equal(take(4, () => picks.pick(["a", "b", "c", "d", "e"]).charCodeAt(0)), [101, 98, 99, 101]);
});

test("createPrng (sfc32, init and sampling) gives its recorded floats, normals, integers and a second stream", () => {
  const prng = createPrng(0);
  assert.equal(take(4, prng.next), [0.9791452463250607, 0.8250711336731911, 0.2846157543826848, 0.7095207434613258]);
  assert.equal(take(3, prng.normal), [-1.898925223343485, -1.0986989379116128, 1.732400146786126]);
  assert.equal(take(4, () => prng.int(1000)), [717, 239, 806, 644]);
  assert.equal(take(4, createPrng(42, 3).next), [0.9086256981827319, 0.7063442470971495, 0.4856003860477358, 0.6737144358921796]);
});

test("createRng (xoshiro128**, shuffling and step seeds) gives its recorded words, floats, integers, state and permutation", () => {
  const rng = createRng({ seed: 0 });
  assert.equal(take(4, rng.uint32), [3809008728, 1133695204, 53579671, 2891528803]);
  assert.equal(take(2, rng.next), [0.0325221442617476, 0.5129879189189523]);
  assert.equal(take(4, () => rng.int(1000)), [24, 369, 612, 13]);
  assert.equal(rng.state(), [1726090213, 2261535221, 3098642090, 139208545]);
  assert.equal(permutation(10, createRng({ seed: 5 })), [5, 6, 0, 9, 3, 2, 1, 4, 7, 8]);
});

test.run();
