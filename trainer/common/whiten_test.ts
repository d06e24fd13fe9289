import { test } from "uvu";
import * as assert from "uvu/assert";
import { maskedMean, maskedVar, maskedWhiten } from "./whiten.ts";

test("maskedMean() and maskedVar() ignore masked-out entries and use Bessel's correction", () => {
  assert.ok(Math.abs(maskedMean([1, 3, 7, 100], [1, 1, 1, 0]) - 11 / 3) < 1e-12);
  // deviations -8/3, -2/3, 10/3: squares sum to 56/3, divided by n-1 = 2
  assert.ok(Math.abs(maskedVar([1, 3, 7, 100], [1, 1, 1, 0]) - 28 / 3) < 1e-12);
  assert.ok(Math.abs(maskedVar([1, 3, 7, 100], [1, 1, 1, 0], { unbiased: false }) - 56 / 9) < 1e-12);
  assert.is(maskedMean([4, 5], [0, 0]), 0);
});

test("maskedWhiten() gives zero mean and unit variance under the mask and zeros elsewhere", () => {
  const out = maskedWhiten([1, 3, 7, 100, -50], [1, 1, 1, 0, 0]);
  const expectedFirst = (1 - 11 / 3) / Math.sqrt(28 / 3 + 1e-8);
  assert.ok(Math.abs(out[0] - expectedFirst) < 1e-6, `${out[0]} != ${expectedFirst}`);
  assert.ok(Math.abs(maskedMean(out, [1, 1, 1, 0, 0])) < 1e-6);
  assert.ok(Math.abs(maskedVar(out, [1, 1, 1, 0, 0]) - 1) < 1e-5);
  assert.is(out[3], 0);
  assert.is(out[4], 0);
});

test("maskedWhiten() with shiftMean: false keeps the mean", () => {
  const out = maskedWhiten([2, 4], [1, 1], { shiftMean: false });
  assert.ok(Math.abs(maskedMean(out, [1, 1]) - 3) < 1e-6);
});

test.run();
