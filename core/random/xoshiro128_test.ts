import { test } from "uvu";
import * as assert from "uvu/assert";
import { createRng, permutation } from "./xoshiro128.ts";

test("createRng() gives the same stream for the same seed and a different one for another seed", () => {
  const a = createRng({ seed: 7 });
  const b = createRng({ seed: 7 });
  const c = createRng({ seed: 8 });
  const xs = Array.from({ length: 5 }, () => a.uint32());
  assert.equal(Array.from({ length: 5 }, () => b.uint32()), xs);
  assert.not.equal(Array.from({ length: 5 }, () => c.uint32()), xs);
});

test("createRng() restored from state() continues the same stream", () => {
  const a = createRng({ seed: 3 });
  a.next();
  a.next();
  const restored = createRng({ state: a.state() });
  assert.equal(Array.from({ length: 4 }, () => restored.next()), Array.from({ length: 4 }, () => a.next()));
});

test("createRng() draws roughly uniform floats and in-range integers", () => {
  const rng = createRng({ seed: 1 });
  let sum = 0;
  for (let i = 0; i < 10000; i++) {
    const x = rng.next();
    assert.ok(x >= 0 && x < 1);
    sum += x;
    const k = rng.int(6);
    assert.ok(Number.isInteger(k) && k >= 0 && k < 6);
  }
  assert.ok(Math.abs(sum / 10000 - 0.5) < 0.02, String(sum / 10000));
});

test("createRng() refuses a malformed state", () => {
  assert.throws(() => createRng({ state: [0, 0, 0, 0] }), /four 32-bit words/);
});

test("permutation() returns each index once", () => {
  const p = permutation(50, createRng({ seed: 2 }));
  assert.equal([...p].sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
  assert.not.equal(p, Array.from({ length: 50 }, (_, i) => i));
});

test.run();
