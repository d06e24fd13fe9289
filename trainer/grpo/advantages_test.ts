import { test } from "uvu";
import * as assert from "uvu/assert";
import { groupAdvantages } from "./advantages.ts";

const near = (a: number, b: number, tol = 1e-6) => assert.ok(Math.abs(a - b) < tol, `${a} != ${b}`);

test("groupAdvantages() normalises each group by its own mean and sample std", () => {
  const out = groupAdvantages([1, 0, 0, 0, 3, 5, 7, 9], { groupSize: 4 });
  // group 1: mean 0.25, sample std sqrt(((0.75)^2 + 3 * 0.25^2) / 3) = 0.5
  near(out[0], 0.75 / (0.5 + 1e-4));
  near(out[1], -0.25 / (0.5 + 1e-4));
  // group 2: mean 6, sample std sqrt((9 + 1 + 1 + 9) / 3)
  const std = Math.sqrt(20 / 3);
  near(out[4], -3 / (std + 1e-4));
  near(out[7], 3 / (std + 1e-4));
});

test("groupAdvantages() gives zero advantage to a group whose rewards are all equal", () => {
  assert.equal(groupAdvantages([1, 1, 1, 0, 0, 0], { groupSize: 3 }), [0, 0, 0, 0, 0, 0]);
});

test("groupAdvantages() with scale: false only centres", () => {
  assert.equal(groupAdvantages([2, 4], { groupSize: 2, scale: false }), [-1, 1]);
});

test("groupAdvantages() refuses a batch that is not whole groups", () => {
  assert.throws(() => groupAdvantages([1, 2, 3], { groupSize: 2 }), /whole groups/);
});

test.run();
