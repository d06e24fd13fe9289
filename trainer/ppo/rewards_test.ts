import { test } from "uvu";
import * as assert from "uvu/assert";
import { computeRewards, klPenalty } from "./rewards.ts";

test("computeRewards() puts -beta*KL on model positions and the score on the last one", () => {
  const { rewards, nonScoreRewards } = computeRewards({
    scores: [1, -0.5],
    logprobs: [-1, -2, -3, 0, -1, -1, -1, -1],
    refLogprobs: [-1.5, -2, -1, 0, -2, -1, -1, -1],
    mask: [1, 1, 0, 1, 1, 0, 0, 0],
    B: 2,
    T: 4,
  }, { klCoef: 0.1 });
  const expected = [-0.05, 0, 0, 0 + 1, -0.1 - 0.5, 0, 0, 0];
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(rewards[i] - expected[i]) < 1e-6, `index ${i}: ${rewards[i]} != ${expected[i]}`);
  }
  assert.ok(Math.abs(nonScoreRewards[0] + 0.05) < 1e-6);
  assert.is(nonScoreRewards[2], 0);
});

test("computeRewards() with the abs and mse penalties never rewards a token for a negative log-ratio", () => {
  const input = { scores: [0], logprobs: [-2, -1], refLogprobs: [-1, -1.5], mask: [1, 1], B: 1, T: 2 };
  const abs = computeRewards(input, { klCoef: 0.1, klPenalty: "abs" }).rewards;
  const mse = computeRewards(input, { klCoef: 0.1, klPenalty: "mse" }).rewards;
  const kl = computeRewards(input, { klCoef: 0.1, klPenalty: "kl" }).rewards;
  assert.equal(Array.from(abs).map((x) => Number(x.toFixed(6))), [-0.1, -0.05]);
  assert.equal(Array.from(mse).map((x) => Number(x.toFixed(6))), [-0.05, -0.0125]);
  assert.equal(Array.from(kl).map((x) => Number(x.toFixed(6))), [0.1, -0.05]);
  assert.is(klPenalty(-0.5, "abs"), 0.5);
  assert.is(klPenalty(-0.5, "mse"), 0.125);
  assert.is(klPenalty(-0.5, "kl"), -0.5);
});

test.run();
