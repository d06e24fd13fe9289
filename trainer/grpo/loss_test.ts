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

const variantInput = (): GrpoLossInput => ({
  // row 0: two tokens (ratios 1.5 and 0.9); row 1: one token (ratio 1), then a masked position
  logprobs: new Float32Array([Math.log(1.5), Math.log(0.9), -0.5, 9]),
  oldLogprobs: new Float32Array([0, 0, -0.5, 0]),
  refLogprobs: new Float32Array([0, 0, -0.5, 0]),
  advantages: [1, -1],
  mask: new Float32Array([1, 1, 1, 0]),
  B: 2,
  T: 2,
  entropy: new Float32Array([0.5, 1.0, 2.0, 7]),
});
const k3 = (d: number) => Math.exp(d) - d - 1;

test("grpoLoss() loss types reduce the same token losses by their own normalisers (hand-computed)", () => {
  const beta = 0.1;
  // token losses with epsilon 0.2: clip(1.5) = 1.2 for A = 1; ratio 0.9 with A = 1 unclipped; ratio 1 with A = -1
  const l = [-1.2 + beta * k3(-Math.log(1.5)), -0.9 + beta * k3(-Math.log(0.9)), 1 + beta * k3(0)];
  const options = { epsilon: 0.2, beta };
  near(grpoLoss(variantInput(), { ...options, lossType: "grpo" }).loss, ((l[0] + l[1]) / 2 + l[2]) / 2);
  near(grpoLoss(variantInput(), { ...options, lossType: "bnpo" }).loss, (l[0] + l[1] + l[2]) / 3);
  near(grpoLoss(variantInput(), { ...options, lossType: "dr_grpo", maxCompletionLength: 10 }).loss, (l[0] + l[1] + l[2]) / 20);
  near(grpoLoss(variantInput(), { ...options, lossType: "dapo", totalTokens: 6 }).loss, (l[0] + l[1] + l[2]) / 6);
  assert.throws(() => grpoLoss(variantInput(), { ...options, lossType: "dr_grpo" }), /maxCompletionLength/);
});

test("grpoLoss() epsilonHigh widens only the upper clip (DAPO clip-higher)", () => {
  const input = variantInput();
  const symmetric = grpoLoss(input, { epsilon: 0.2, beta: 0, lossType: "bnpo" });
  const higher = grpoLoss(input, { epsilon: 0.2, epsilonHigh: 0.6, beta: 0, lossType: "bnpo" });
  near(symmetric.loss, (-1.2 - 0.9 + 1) / 3);
  near(higher.loss, (-1.5 - 0.9 + 1) / 3); // ratio 1.5 now inside [0.8, 1.6]
  near(symmetric.clipfrac, 1 / 3);
  near(higher.clipfrac, 0);
  near(higher.grads.logprobs[0], -1.5 / 3);
});

test("grpoLoss() entropy bonus: loss falls by entCoef * mean entropy; gradients match finite differences", () => {
  const input = variantInput();
  const plain = grpoLoss(input, { epsilon: 0.2, beta: 0.1, lossType: "bnpo" });
  const bonus = grpoLoss(input, { epsilon: 0.2, beta: 0.1, lossType: "bnpo", entCoef: 0.3 });
  near(bonus.loss, plain.loss - 0.3 * (0.5 + 1 + 2) / 3);
  near(bonus.entropy, (0.5 + 1 + 2) / 3);
  const h = 1e-3;
  for (const lossType of ["grpo", "bnpo", "dr_grpo", "dapo"] as const) {
    const options = { epsilon: 0.2, epsilonHigh: 0.3, beta: 0.1, entCoef: 0.3, lossType, maxCompletionLength: 7, totalTokens: 5 };
    const { grads } = grpoLoss(input, options);
    for (const field of ["logprobs", "entropy"] as const) {
      for (let i = 0; i < 3; i++) {
        const plus = { ...input, [field]: input[field]!.slice() };
        const minus = { ...input, [field]: input[field]!.slice() };
        plus[field]![i] += h;
        minus[field]![i] -= h;
        const numeric = (grpoLoss(plus, options).loss - grpoLoss(minus, options).loss) / (2 * h);
        near(grads[field]![i], numeric, 1e-3);
      }
    }
    assert.is(grads.logprobs[3], 0);
    assert.is(grads.entropy![3], 0);
  }
});

test.run();
