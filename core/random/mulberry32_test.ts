import { test } from "uvu";
import * as assert from "uvu/assert";
import { seededRandom, splitSeed } from "./mulberry32.ts";

test("seededRandom() repeats its sequence for a seed and differs across seeds", () => {
  const draw = (seed: number) => Array.from({ length: 20 }, seededRandom(seed).next);
  assert.equal(draw(7), draw(7));
  assert.not.equal(draw(7), draw(8));
  assert.ok(draw(7).every((x) => x >= 0 && x < 1));
});

test("seededRandom().int() covers [min, max] evenly enough and never leaves it", () => {
  const random = seededRandom(1);
  const counts = new Array(50).fill(0);
  for (let i = 0; i < 50_000; i++) counts[random.int(0, 49)]++;
  assert.ok(counts.every((c) => c > 800 && c < 1200), String(counts));
});

test("seededRandom().pick() picks every item and refuses an empty list", () => {
  const random = seededRandom(2);
  const seen = new Set(Array.from({ length: 100 }, () => random.pick(["+", "-", "*"])));
  assert.equal([...seen].sort(), ["*", "+", "-"]);
  assert.throws(() => random.pick([]), /empty/);
});

test("splitSeed() gives training even and evaluation odd stream seeds", () => {
  const train = new Set(Array.from({ length: 1000 }, (_, s) => splitSeed(s, "train")));
  const evaluation = Array.from({ length: 1000 }, (_, s) => splitSeed(s, "eval"));
  assert.ok(evaluation.every((s) => !train.has(s) && s % 2 === 1));
  assert.is(splitSeed(3), 6);
  assert.throws(() => splitSeed(1.5), /seed 1.5/);
});

test.run();
