import { test } from "uvu";
import * as assert from "uvu/assert";
import { sftLoss } from "./sft.ts";

test("sftLoss() averages -logp over model tokens only and puts -1/n gradients there", () => {
  const logprobs = new Float32Array([-1, -3, -0.5, -7]);
  const mask = new Float32Array([1, 0, 1, 0]);
  const { loss, tokens, grads } = sftLoss(logprobs, mask);
  assert.is(tokens, 2);
  assert.ok(Math.abs(loss - 0.75) < 1e-6, String(loss));
  assert.equal(Array.from(grads.logprobs), [-0.5, 0, -0.5, 0]);
});

test("sftLoss() of an empty mask is zero with zero gradients", () => {
  const { loss, grads } = sftLoss(new Float32Array([-2, -2]), new Float32Array([0, 0]));
  assert.is(loss, 0);
  assert.equal(Array.from(grads.logprobs), [0, 0]);
});

test.run();
