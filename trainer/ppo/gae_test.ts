import { test } from "uvu";
import * as assert from "uvu/assert";
import { computeGae } from "./gae.ts";

const close = (actual: ArrayLike<number>, expected: number[], tol = 1e-6) => {
  assert.is(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) < tol, `index ${i}: ${actual[i]} != ${expected[i]}`);
  }
};

test("computeGae() matches a hand-computed row with a tool block in the middle", () => {
  // positions: 0 prompt, 1-2 model, 3-4 tool output, 5 model (last action)
  const mask = [0, 1, 1, 0, 0, 1];
  const rewards = [0, 0.1, -0.2, 0, 0, 1.0];
  const values = [9, 0.5, 0.4, 7, 7, 0.8];
  const { advantages, returns } = computeGae({ rewards, values, mask, B: 1, T: 6 }, { gamma: 1, lam: 0.5 });
  // t=5: delta = 1 - 0.8 = 0.2, A = 0.2
  // t=2: next model position is 5: delta = -0.2 + 0.8 - 0.4 = 0.2, A = 0.2 + 0.5 * 0.2 = 0.3
  // t=1: delta = 0.1 + 0.4 - 0.5 = 0, A = 0.5 * 0.3 = 0.15
  close(advantages, [0, 0.15, 0.3, 0, 0, 0.2]);
  close(returns, [0, 0.65, 0.7, 0, 0, 1.0]);
});

test("computeGae() steps over masked positions: their values and length do not matter", () => {
  const base = computeGae(
    { rewards: [0, 0.5, 0, 1], values: [0.1, 0.2, 0.3, 0.4], mask: [1, 1, 0, 1], B: 1, T: 4 },
    { gamma: 1, lam: 0.95 },
  );
  const longerTool = computeGae(
    { rewards: [0, 0.5, 0, 0, 0, 1], values: [0.1, 0.2, -5, 5, 3, 0.4], mask: [1, 1, 0, 0, 0, 1], B: 1, T: 6 },
    { gamma: 1, lam: 0.95 },
  );
  close([base.advantages[0], base.advantages[1], base.advantages[3]], [
    longerTool.advantages[0],
    longerTool.advantages[1],
    longerTool.advantages[5],
  ]);
});

test("computeGae() discounts by gamma and bootstraps 0 after the last model position", () => {
  const { advantages, returns } = computeGae(
    { rewards: [0, 1, 0], values: [0.2, 0.5, 3], mask: [1, 1, 0], B: 1, T: 3 },
    { gamma: 0.9, lam: 1 },
  );
  // t=1: delta = 1 - 0.5 = 0.5; t=0: delta = 0.9 * 0.5 - 0.2 = 0.25, A = 0.25 + 0.9 * 0.5 = 0.7
  close(advantages, [0.7, 0.5, 0]);
  close(returns, [0.9, 1.0, 0]);
});

test("computeGae() keeps rows independent", () => {
  const one = computeGae({ rewards: [0, 1], values: [0.3, 0.6], mask: [1, 1], B: 1, T: 2 }, { gamma: 1, lam: 0.95 });
  const two = computeGae(
    { rewards: [5, 5, 0, 1], values: [1, 1, 0.3, 0.6], mask: [1, 1, 1, 1], B: 2, T: 2 },
    { gamma: 1, lam: 0.95 },
  );
  close(two.advantages.subarray(2), Array.from(one.advantages));
});

test.run();
