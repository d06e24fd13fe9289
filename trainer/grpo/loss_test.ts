import { test } from "uvu";
import * as assert from "uvu/assert";
import { grpoLoss, type GrpoLossInput } from "./loss.ts";

const near = (a: number, b: number, tol = 1e-5) => assert.ok(Math.abs(a - b) < tol, `${a} != ${b}`);

test("grpoLoss() matches a hand-computed loss with clipping and the k3 KL", () => {
  const input: GrpoLossInput = {
    // row 0: two tokens, ratio 1.5 (clipped for A > 0) and ratio 1; row 1: one token, masked garbage after it
    logprobs: new Float32Array([Math.log(1.5), -1, -0.5, 9]),
    oldLogprobs: new Float32Array([0, -1, -0.5, 0]),
    refLogprobs: new Float32Array([0, -1, -0.5 + Math.log(2), 0]),
    advantages: [2, -1],
    mask: new Float32Array([1, 1, 1, 0]),
    B: 2,
    T: 2,
  };
  const out = grpoLoss(input, { epsilon: 0.2, beta: 0.1 });
  const k3 = (d: number) => Math.exp(d) - d - 1; // d = ref - logp
  const row0 = (-(1.2 * 2) + 0.1 * k3(-Math.log(1.5)) + -(1 * 2) + 0.1 * k3(0)) / 2;
  const row1 = -(1 * -1) + 0.1 * k3(Math.log(2));
  near(out.loss, (row0 + row1) / 2);
  near(out.clipfrac, 1 / 3);
  // gradient: clipped token has only the KL part, 1/(2*2) weight; row 1 weight 1/2
  near(out.grads.logprobs[0], (0.1 * (1 - 1 / 1.5)) / 4);
  near(out.grads.logprobs[1], -2 / 4);
  near(out.grads.logprobs[2], (1 + 0.1 * (1 - 2)) / 2);
  near(out.grads.logprobs[3], 0);
});

test("grpoLoss() gradient agrees with finite differences", () => {
  const input: GrpoLossInput = {
    logprobs: new Float32Array([-0.9, -1.3, -0.2, -2.2, -0.7, -1.0]),
    oldLogprobs: new Float32Array([-1.0, -1.2, -0.25, -2.0, -0.7, -1.0]),
    refLogprobs: new Float32Array([-1.1, -1.0, -0.3, -2.5, -0.6, -1.0]),
    advantages: [0.8, -1.1],
    mask: new Float32Array([1, 1, 1, 1, 1, 0]),
    B: 2,
    T: 3,
  };
  const options = { epsilon: 0.2, beta: 0.04 };
  const { grads } = grpoLoss(input, options);
  const h = 1e-3;
  for (let i = 0; i < 6; i++) {
    const plus = { ...input, logprobs: input.logprobs.slice() };
    const minus = { ...input, logprobs: input.logprobs.slice() };
    plus.logprobs[i] += h;
    minus.logprobs[i] -= h;
    const numeric = (grpoLoss(plus, options).loss - grpoLoss(minus, options).loss) / (2 * h);
    near(grads.logprobs[i], numeric, 1e-3);
  }
});

test.run();
