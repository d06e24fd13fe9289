import { test } from "uvu";
import * as assert from "uvu/assert";
import { ppoLoss, type PpoLossInput } from "./loss.ts";

const options = { cliprange: 0.2, cliprangeValue: 0.2, vfCoef: 0.1 };
const near = (a: number, b: number, tol = 1e-5) => assert.ok(Math.abs(a - b) < tol, `${a} != ${b}`);

// positions: 0 masked (garbage), 1 ratio 1.5 with A=1 (clipped), 2 ratio 1.5 with A=-1, 3 ratio 1 with A=2
function example(): PpoLossInput {
  return {
    logprobs: new Float32Array([5, Math.log(1.5), Math.log(1.5), -0.7]),
    oldLogprobs: new Float32Array([-9, 0, 0, -0.7]),
    values: new Float32Array([3, 0.5, 0.1, 0.5]),
    oldValues: new Float32Array([-3, 0, 0, 0]),
    advantages: new Float32Array([7, 1, -1, 2]),
    returns: new Float32Array([7, 1, 1, -1]),
    mask: new Float32Array([0, 1, 1, 1]),
  };
}

test("ppoLoss() matches hand-computed clipped policy and value losses", () => {
  const out = ppoLoss(example(), options);
  // policy: max(-1.5, -1.2) = -1.2; max(1.5, 1.2) = 1.5; max(-2, -2) = -2
  near(out.policyLoss, (-1.2 + 1.5 - 2) / 3);
  // value: v=0.5 old 0 R=1: max(0.25, (0.2-1)^2=0.64); v=0.1 R=1: 0.81 both; v=0.5 R=-1: max(2.25, 1.44)
  near(out.valueLoss, 0.5 * (0.64 + 0.81 + 2.25) / 3);
  near(out.totalLoss, out.policyLoss + 0.1 * out.valueLoss);
  near(out.stats.clipfrac, 1 / 3);
  near(out.stats.valueClipfrac, 1 / 3);
  near(out.stats.ratioMean, (1.5 + 1.5 + 1) / 3);
  near(out.stats.approxkl, 0.5 * (2 * Math.log(1.5) ** 2) / 3);
  near(out.stats.vpred, (0.5 + 0.1 + 0.5) / 3);
  near(out.stats.valueError, (0.25 + 0.81 + 2.25) / 3);
});

test("ppoLoss() gradients: zero where clipped, -A*r/n elsewhere, nothing on masked positions", () => {
  const { grads } = ppoLoss(example(), options);
  near(grads.logprobs[0], 0);
  near(grads.logprobs[1], 0);
  near(grads.logprobs[2], 1.5 / 3);
  near(grads.logprobs[3], -2 / 3);
  near(grads.values[0], 0);
  near(grads.values[1], 0); // clipped value branch, v outside the clip range
  near(grads.values[2], 0.1 * (0.1 - 1) / 3);
  near(grads.values[3], 0.1 * (0.5 + 1) / 3);
});

test("ppoLoss() gradients agree with finite differences of the total loss", () => {
  const input: PpoLossInput = {
    logprobs: new Float32Array([-1.1, -0.4, -2.0, -0.9, -1.3]),
    oldLogprobs: new Float32Array([-1.0, -0.5, -1.8, -1.0, -1.0]),
    values: new Float32Array([0.3, -0.2, 0.15, 0.9, 0.0]),
    oldValues: new Float32Array([0.25, 0.1, 0.1, 0.5, 0.0]),
    advantages: new Float32Array([0.7, -1.2, 0.4, 1.5, 0.3]),
    returns: new Float32Array([1.0, -0.5, 0.2, 0.4, 0.0]),
    mask: new Float32Array([1, 1, 1, 1, 0]),
  };
  const { grads } = ppoLoss(input, options);
  const h = 1e-3;
  for (const key of ["logprobs", "values"] as const) {
    for (let i = 0; i < 5; i++) {
      const plus = { ...input, [key]: input[key].slice() };
      const minus = { ...input, [key]: input[key].slice() };
      plus[key][i] += h;
      minus[key][i] -= h;
      const numeric = (ppoLoss(plus, options).totalLoss - ppoLoss(minus, options).totalLoss) / (2 * h);
      near(grads[key][i], numeric, 1e-3);
    }
  }
});

test("ppoLoss() entropy bonus: total falls by entCoef * mean entropy, dL/dH = -entCoef/n on model tokens", () => {
  const input = { ...example(), entropy: new Float32Array([9, 0.5, 1.0, 1.5]) };
  const plain = ppoLoss(input, options);
  const bonus = ppoLoss(input, { ...options, entCoef: 0.01 });
  near(bonus.entropyBonus, 1.0);
  near(bonus.totalLoss, plain.totalLoss - 0.01 * 1.0);
  assert.equal(Array.from(bonus.grads.entropy!).map((g) => Number(g.toFixed(6))), [0, -0.003333, -0.003333, -0.003333]);
  assert.is(plain.grads.entropy, undefined);
  assert.throws(() => ppoLoss(example(), { ...options, entCoef: 0.01 }), /needs the forward's entropy/);
});

test.run();
