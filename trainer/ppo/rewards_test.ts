import { test } from "uvu";
import * as assert from "uvu/assert";
import { computeRewards } from "./rewards.ts";

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

test.run();
