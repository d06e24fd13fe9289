import { test } from "uvu";
import * as assert from "uvu/assert";
import { createPrng } from "./sfc32.ts";

test("createPrng repeats a stream for a seed and separates seeds and streams", () => {
  const draw = (seed: number, stream = 0) => {
    const rng = createPrng(seed, stream);
    return Array.from({ length: 5 }, () => rng.next());
  };
  assert.equal(draw(1), draw(1));
  assert.not.equal(draw(1), draw(2));
  assert.not.equal(draw(1, 0), draw(1, 1));
  assert.ok(draw(3).every((u) => u >= 0 && u < 1));
});

test("normal() has mean 0 and variance 1, int(n) covers [0, n)", () => {
  const rng = createPrng(9);
  const n = 20000;
  let sum = 0, squares = 0;
  for (let i = 0; i < n; i++) {
    const z = rng.normal();
    sum += z;
    squares += z * z;
  }
  assert.ok(Math.abs(sum / n) < 0.03);
  assert.ok(Math.abs(squares / n - 1) < 0.04);
  const seen = new Set(Array.from({ length: 200 }, () => rng.int(7)));
  assert.equal([...seen].sort(), [0, 1, 2, 3, 4, 5, 6]);
});

test.run();
