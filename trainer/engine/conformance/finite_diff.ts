/**
 * Finite-difference checks of every reference backward, in float64: for a random projection
 * L = Σ w ⊙ forward(x), the backward's dL/dx must match the central difference
 * (L(x + ε e_i) - L(x - ε e_i)) / 2ε at sampled coordinates, with ε = 1e-6 and tolerance
 * 1e-6 + 1e-5·|dL/dx| (float64 makes the rounding error of the difference about 1e-10).
 */
import { attentionBackward, attentionForward } from "../cpu/ops/attention.ts";
import { encoderBackward, encoderForward } from "../cpu/ops/embedding.ts";
import { logprobsBackward, logprobsForward } from "../cpu/ops/head.ts";
import { matmulBackward, matmulForward } from "../cpu/ops/matmul.ts";
import { layernormBackward, layernormForward, rmsnormBackward, rmsnormForward } from "../cpu/ops/norm.ts";
import { geluBackward, geluForward, swigluBackward, swigluForward } from "../cpu/ops/pointwise.ts";
import { ropeBackward, ropeForward, ropeTable } from "../cpu/ops/rope.ts";
import { createPrng, type Prng } from "../../../core/random/sfc32.ts";
import { compare, type Comparison } from "./compare.ts";

type F64 = Record<string, Float64Array>;
type Ints = Record<string, Int32Array>;

/** One op: inputs, which of them to differentiate, its outputs, forward and backward. */
export interface GradCase {
  name: string;
  setup(rng: Prng): { x: F64; ints: Ints };
  wrt: string[];
  /** Writes the outputs (and whatever backward needs) into fresh arrays. */
  forward(x: F64, ints: Ints): F64;
  outputs: string[];
  /** Accumulates dL/dx into `grads` for output gradients `douts`. */
  backward(x: F64, ints: Ints, saved: F64, douts: F64, grads: F64): void;
}

const rand = (rng: Prng, n: number, scale = 1) => Float64Array.from({ length: n }, () => (rng.next() * 2 - 1) * scale);
const B = 2, T = 5, N = B * T, ROWS = 9, C = 6, OC = 5, NH = 4, NKV = 2, hs = 4, V = 7, H = 8;

/** Every reference backward. */
export const gradCases: GradCase[] = [
  {
    name: "encoder (learned positions)", wrt: ["wte", "wpe"], outputs: ["out"],
    setup: (rng) => ({
      x: { wte: rand(rng, V * C), wpe: rand(rng, T * C) },
      ints: { tokens: Int32Array.from({ length: N }, () => rng.int(V)), positions: Int32Array.from({ length: N }, (_, n) => n % T) },
    }),
    forward: (x, i) => {
      const out = new Float64Array(N * C);
      encoderForward(out, i.tokens, i.positions, x.wte, x.wpe, N, C);
      return { out };
    },
    backward: (_x, i, _s, d, g) => encoderBackward(g.wte, g.wpe, d.out, i.tokens, i.positions, N, C),
  },
  {
    name: "layernorm", wrt: ["inp", "weight", "bias"], outputs: ["out"],
    setup: (rng) => ({ x: { inp: rand(rng, N * C, 2), weight: rand(rng, C), bias: rand(rng, C) }, ints: {} }),
    forward: (x) => {
      const s = { out: new Float64Array(N * C), mean: new Float64Array(N), rstd: new Float64Array(N) };
      layernormForward(s.out, s.mean, s.rstd, x.inp, x.weight, x.bias, N, C, 1e-5);
      return s;
    },
    backward: (x, _i, s, d, g) => layernormBackward(g.inp, g.weight, g.bias, d.out, x.inp, x.weight, s.mean, s.rstd, N, C),
  },
  {
    name: "rmsnorm", wrt: ["inp", "weight"], outputs: ["out"],
    setup: (rng) => ({ x: { inp: rand(rng, N * C, 2), weight: rand(rng, C) }, ints: {} }),
    forward: (x) => {
      const s = { out: new Float64Array(N * C), rstd: new Float64Array(N) };
      rmsnormForward(s.out, s.rstd, x.inp, x.weight, N, C, 1e-5);
      return s;
    },
    backward: (x, _i, s, d, g) => rmsnormBackward(g.inp, g.weight, d.out, x.inp, x.weight, s.rstd, N, C),
  },
  {
    name: "matmul (odd rows, leftover columns)", wrt: ["inp", "weight", "bias"], outputs: ["out"],
    setup: (rng) => ({ x: { inp: rand(rng, ROWS * C), weight: rand(rng, OC * C), bias: rand(rng, OC) }, ints: {} }),
    forward: (x) => {
      const out = new Float64Array(ROWS * OC);
      matmulForward(out, x.inp, x.weight, x.bias, ROWS, C, OC);
      return { out };
    },
    backward: (x, _i, _s, d, g) => matmulBackward(g.inp, g.weight, g.bias, d.out, x.inp, x.weight, ROWS, C, OC),
  },
  {
    name: "rope", wrt: ["x"], outputs: ["out"],
    setup: (rng) => ({ x: { x: rand(rng, N * NH * hs), table: Float64Array.from(ropeTable(T, hs, 10000)) },
      ints: { positions: Int32Array.from({ length: N }, (_, n) => n % T) } }),
    forward: (x, i) => {
      const out = x.x.slice();
      ropeForward(out, i.positions, x.table, N, NH, hs);
      return { out };
    },
    backward: (x, i, _s, d, g) => {
      const dx = d.out.slice();
      ropeBackward(dx, i.positions, x.table, N, NH, hs);
      for (let k = 0; k < dx.length; k++) g.x[k] += dx[k];
    },
  },
  {
    name: "attention (causal, padding, GQA)", wrt: ["q", "k", "v"], outputs: ["out"],
    setup: (rng) => ({ x: { q: rand(rng, N * NH * hs), k: rand(rng, N * NKV * hs), v: rand(rng, N * NKV * hs) },
      ints: { lengths: Int32Array.from([5, 3]) } }),
    forward: (x, i) => {
      const s = { out: new Float64Array(N * NH * hs), att: new Float64Array(B * NH * T * T) };
      attentionForward(s.out, s.att, x.q, x.k, x.v, i.lengths, B, T, NH, NKV, hs);
      return s;
    },
    backward: (x, i, s, d, g) => attentionBackward(g.q, g.k, g.v, d.out, x.q, x.k, x.v, s.att, i.lengths, B, T, NH, NKV, hs),
  },
  {
    name: "gelu", wrt: ["inp"], outputs: ["out"],
    setup: (rng) => ({ x: { inp: rand(rng, N * H, 4) }, ints: {} }),
    forward: (x) => {
      const out = new Float64Array(N * H);
      geluForward(out, x.inp, N * H);
      return { out };
    },
    backward: (x, _i, _s, d, g) => geluBackward(g.inp, d.out, x.inp, N * H),
  },
  {
    name: "swiglu", wrt: ["gate", "up"], outputs: ["out"],
    setup: (rng) => ({ x: { gate: rand(rng, N * H, 4), up: rand(rng, N * H) }, ints: {} }),
    forward: (x) => {
      const out = new Float64Array(N * H);
      swigluForward(out, x.gate, x.up, N * H);
      return { out };
    },
    backward: (x, _i, _s, d, g) => swigluBackward(g.gate, g.up, d.out, x.gate, x.up, N * H),
  },
  {
    name: "logprobs and entropy", wrt: ["logits"], outputs: ["logprobs", "entropy"],
    setup: (rng) => {
      const targets = Int32Array.from({ length: N }, () => rng.int(V));
      targets[2] = -1;
      return { x: { logits: rand(rng, N * V, 3) }, ints: { targets } };
    },
    forward: (x, i) => {
      const s = { logprobs: new Float64Array(N), entropy: new Float64Array(N), lse: new Float64Array(N) };
      logprobsForward(s.logprobs, s.entropy, s.lse, x.logits, i.targets, N, V);
      return s;
    },
    backward: (x, i, s, d, g) =>
      logprobsBackward(g.logits, d.logprobs, d.entropy, x.logits, i.targets, s.lse, s.entropy, N, V),
  },
];

/** Checks one case at up to `samples` coordinates per input; one comparison per input. */
export function checkGradients(gradCase: GradCase, seed = 7, samples = 24): Comparison[] {
  const rng = createPrng(seed);
  const { x, ints } = gradCase.setup(rng);
  const saved = gradCase.forward(x, ints);
  const douts: F64 = Object.fromEntries(gradCase.outputs.map((o) => [o, rand(rng, saved[o].length)]));
  const loss = () => {
    const out = gradCase.forward(x, ints);
    let l = 0;
    for (const o of gradCase.outputs) for (let k = 0; k < out[o].length; k++) l += out[o][k] * douts[o][k];
    return l;
  };
  const grads: F64 = Object.fromEntries(gradCase.wrt.map((w) => [w, new Float64Array(x[w].length)]));
  gradCase.backward(x, ints, saved, douts, grads);
  const eps = 1e-6;
  return gradCase.wrt.map((w) => {
    const n = x[w].length;
    const picks = n <= samples ? [...Array(n).keys()] : Array.from({ length: samples }, () => rng.int(n));
    const numeric: number[] = [], analytic: number[] = [];
    for (const k of picks) {
      const keep = x[w][k];
      x[w][k] = keep + eps;
      const plus = loss();
      x[w][k] = keep - eps;
      const minus = loss();
      x[w][k] = keep;
      numeric.push((plus - minus) / (2 * eps));
      analytic.push(grads[w][k]);
    }
    return compare(`${gradCase.name}: d/d${w}`, numeric, analytic, { atol: 1e-6, rtol: 1e-5 });
  });
}
