/**
 * The conformance cases: every backend op on small random inputs (odd sizes, padding, grouped
 * heads), with its TypeScript reference. Backward cases start their outputs from random values, so a
 * backend that overwrites instead of accumulating fails.
 *
 * Sizes: B 2, T 7, lengths [7, 4], C 10 (rmsnorm also N*NH rows of hs, as Qwen3's q/k norms), OC 13 (also 4, 6 and 1 output channels over 9 or 1 rows), NH 4, NKV 2, hs 4, V 11, H 9, cache 3 rows × 9 positions.
 */
import type { Backend, Done, Tensor } from "../backend/backend.ts";
import { adamwUpdate, sumSquares } from "../cpu/ops/adamw.ts";
import { attentionBackward, attentionDecode, attentionForward, cacheWrite } from "../cpu/ops/attention.ts";
import { encoderBackward, encoderForward, gatherRows } from "../cpu/ops/embedding.ts";
import { logprobsBackward, logprobsForward } from "../cpu/ops/head.ts";
import { matmulBackward, matmulForward } from "../cpu/ops/matmul.ts";
import { layernormBackward, layernormForward, rmsnormBackward, rmsnormForward } from "../cpu/ops/norm.ts";
import { geluBackward, geluForward, residualForward, scaledAdd, swigluBackward, swigluForward } from "../cpu/ops/pointwise.ts";
import { ropeBackward, ropeForward, ropeTable } from "../cpu/ops/rope.ts";
import type { Prng } from "../../../core/random/sfc32.ts";
import { chunkedPrefillCase } from "./chunked_case.ts";
import { randomFloats, randomInts } from "./fixtures.ts";
import type { Arrays, OpCase } from "./types.ts";

export type { Arrays, OpCase, Tensors } from "./types.ts";

const B = 2, T = 7, N = B * T, C = 10, OC = 13, NH = 4, NKV = 2, hs = 4, V = 11, H = 9;
const Bc = 3, maxT = 9;
const LENGTHS = Int32Array.from([7, 4]);
const f = (a: Arrays, k: string) => a[k] as Float32Array;
const i = (a: Arrays, k: string) => a[k] as Int32Array;
const positionsOf = () => Int32Array.from({ length: N }, (_, n) => n % T);

function matmulCases(bias: boolean, oc: number, rows: number): OpCase[] {
  const tag = `${bias ? "bias" : "no bias"}, ${rows} rows, OC ${oc}`;
  const setup = (rng: Prng): Arrays => ({
    out: new Float32Array(rows * oc), inp: randomFloats(rng, rows * C), weight: randomFloats(rng, oc * C),
    bias: randomFloats(rng, oc), dinp: randomFloats(rng, rows * C), dweight: randomFloats(rng, oc * C),
    dbias: randomFloats(rng, oc), dout: randomFloats(rng, rows * oc),
  });
  return [{
    name: `matmulForward (${tag})`, kind: "forward", setup, outputs: ["out"],
    reference: (a) => matmulForward(f(a, "out"), f(a, "inp"), f(a, "weight"), bias ? f(a, "bias") : null, rows, C, oc),
    run: (be, t) => be.matmulForward(t.out, t.inp, t.weight, bias ? t.bias : null, rows, C, oc),
  }, {
    name: `matmulBackward (${tag})`, kind: "backward", setup, outputs: bias ? ["dinp", "dweight", "dbias"] : ["dinp", "dweight"],
    reference: (a) =>
      matmulBackward(f(a, "dinp"), f(a, "dweight"), bias ? f(a, "dbias") : null, f(a, "dout"), f(a, "inp"), f(a, "weight"), rows, C, oc),
    run: (be, t) => be.matmulBackward(t.dinp, t.dweight, bias ? t.dbias : null, t.dout, t.inp, t.weight, rows, C, oc),
  }];
}

function attentionSetup(rng: Prng): Arrays {
  return {
    out: new Float32Array(N * NH * hs), att: new Float32Array(B * NH * T * T),
    q: randomFloats(rng, N * NH * hs), k: randomFloats(rng, N * NKV * hs), v: randomFloats(rng, N * NKV * hs),
    lengths: LENGTHS.slice(), dout: randomFloats(rng, N * NH * hs),
    dq: randomFloats(rng, N * NH * hs), dk: randomFloats(rng, N * NKV * hs), dv: randomFloats(rng, N * NKV * hs),
  };
}

function logprobsSetup(rng: Prng): Arrays {
  const targets = randomInts(rng, N, V);
  targets[3] = -1;
  targets[N - 1] = -1;
  const a: Arrays = {
    logprobs: new Float32Array(N), entropy: new Float32Array(N), lse: new Float32Array(N),
    logits: randomFloats(rng, N * V, 3), targets, dlogits: randomFloats(rng, N * V),
    dlogprobs: randomFloats(rng, N), dentropy: randomFloats(rng, N),
  };
  logprobsForward(f(a, "logprobs"), f(a, "entropy"), f(a, "lse"), f(a, "logits"), targets, N, V);
  return a;
}

/** Every case, in op order. */
export const opCases: OpCase[] = [
  ...[true, false].map((learned): OpCase => ({
    name: `encoderForward (${learned ? "learned positions" : "tokens only"})`, kind: "forward", outputs: ["out"],
    setup: (rng) => ({ out: new Float32Array(N * C), tokens: randomInts(rng, N, V), positions: positionsOf(),
      wte: randomFloats(rng, V * C), wpe: randomFloats(rng, T * C) }),
    reference: (a) => encoderForward(f(a, "out"), i(a, "tokens"), i(a, "positions"), f(a, "wte"), learned ? f(a, "wpe") : null, N, C),
    run: (be, t) => be.encoderForward(t.out, t.tokens, t.positions, t.wte, learned ? t.wpe : null, N, C),
  })),
  {
    name: "encoderBackward", kind: "backward", outputs: ["dwte", "dwpe"],
    setup: (rng) => ({ dwte: randomFloats(rng, V * C), dwpe: randomFloats(rng, T * C), dout: randomFloats(rng, N * C),
      tokens: randomInts(rng, N, V), positions: positionsOf() }),
    reference: (a) => encoderBackward(f(a, "dwte"), f(a, "dwpe"), f(a, "dout"), i(a, "tokens"), i(a, "positions"), N, C),
    run: (be, t) => be.encoderBackward(t.dwte, t.dwpe, t.dout, t.tokens, t.positions, N, C),
  },
  {
    name: "gatherRows", kind: "forward", outputs: ["out"],
    setup: (rng) => ({ out: new Float32Array(3 * C), inp: randomFloats(rng, N * C), index: Int32Array.from([5, 0, N - 1]) }),
    reference: (a) => gatherRows(f(a, "out"), f(a, "inp"), i(a, "index"), 3, C),
    run: (be, t) => be.gatherRows(t.out, t.inp, t.index, 3, C),
  },
  // rmsnorm also over N*NH rows of hs: Qwen3's per-head q/k norms
  ...([["layernorm", N, C], ["rmsnorm", N, C], ["rmsnorm", N * NH, hs]] as const).flatMap(([kind, N, C]): OpCase[] => {
    const tag = C === hs ? " (per head)" : "";
    const setup = (rng: Prng): Arrays => ({
      out: new Float32Array(N * C), mean: new Float32Array(N), rstd: new Float32Array(N),
      inp: randomFloats(rng, N * C, 2), weight: randomFloats(rng, C), bias: randomFloats(rng, C),
      dinp: randomFloats(rng, N * C), dweight: randomFloats(rng, C), dbias: randomFloats(rng, C), dout: randomFloats(rng, N * C),
    });
    const prepared = (rng: Prng) => {
      const a = setup(rng);
      if (kind === "layernorm") {
        layernormForward(f(a, "out"), f(a, "mean"), f(a, "rstd"), f(a, "inp"), f(a, "weight"), f(a, "bias"), N, C, 1e-5);
      } else rmsnormForward(f(a, "out"), f(a, "rstd"), f(a, "inp"), f(a, "weight"), N, C, 1e-5);
      return a;
    };
    return kind === "layernorm"
      ? [{
        name: "layernormForward", kind: "forward", setup, outputs: ["out", "mean", "rstd"],
        reference: (a) => layernormForward(f(a, "out"), f(a, "mean"), f(a, "rstd"), f(a, "inp"), f(a, "weight"), f(a, "bias"), N, C, 1e-5),
        run: (be, t) => be.layernormForward(t.out, t.mean, t.rstd, t.inp, t.weight, t.bias, N, C, 1e-5),
      }, {
        name: "layernormBackward", kind: "backward", setup: prepared, outputs: ["dinp", "dweight", "dbias"],
        reference: (a) => layernormBackward(f(a, "dinp"), f(a, "dweight"), f(a, "dbias"), f(a, "dout"), f(a, "inp"), f(a, "weight"),
          f(a, "mean"), f(a, "rstd"), N, C),
        run: (be, t) => be.layernormBackward(t.dinp, t.dweight, t.dbias, t.dout, t.inp, t.weight, t.mean, t.rstd, N, C),
      }]
      : [{
        name: `rmsnormForward${tag}`, kind: "forward", setup, outputs: ["out", "rstd"],
        reference: (a) => rmsnormForward(f(a, "out"), f(a, "rstd"), f(a, "inp"), f(a, "weight"), N, C, 1e-5),
        run: (be, t) => be.rmsnormForward(t.out, t.rstd, t.inp, t.weight, N, C, 1e-5),
      }, {
        name: `rmsnormBackward${tag}`, kind: "backward", setup: prepared, outputs: ["dinp", "dweight"],
        reference: (a) => rmsnormBackward(f(a, "dinp"), f(a, "dweight"), f(a, "dout"), f(a, "inp"), f(a, "weight"), f(a, "rstd"), N, C),
        run: (be, t) => be.rmsnormBackward(t.dinp, t.dweight, t.dout, t.inp, t.weight, t.rstd, N, C),
      }];
  }),
  ...matmulCases(true, OC, N),
  ...matmulCases(false, 4, 9),
  ...matmulCases(true, 1, N),
  ...matmulCases(false, 6, 1),
  ...(["ropeForward", "ropeBackward"] as const).map((name): OpCase => ({
    name, kind: name === "ropeForward" ? "forward" : "backward", outputs: ["x"],
    setup: (rng) => ({ x: randomFloats(rng, N * NH * hs), positions: positionsOf(), table: ropeTable(T, hs, 10000) }),
    reference: (a) => (name === "ropeForward" ? ropeForward : ropeBackward)(f(a, "x"), i(a, "positions"), f(a, "table"), N, NH, hs),
    run: (be, t) => be[name](t.x, t.positions, t.table, N, NH, hs),
  })),
  {
    name: "attentionForward (causal, padding, GQA)", kind: "forward", setup: attentionSetup, outputs: ["out", "att"],
    reference: (a) => attentionForward(f(a, "out"), f(a, "att"), f(a, "q"), f(a, "k"), f(a, "v"), i(a, "lengths"), B, T, NH, NKV, hs),
    run: (be, t) => be.attentionForward(t.out, t.att, t.q, t.k, t.v, t.lengths, B, T, NH, NKV, hs),
  },
  {
    name: "attentionBackward (causal, padding, GQA)", kind: "backward", outputs: ["dq", "dk", "dv"],
    setup: (rng) => {
      const a = attentionSetup(rng);
      attentionForward(f(a, "out"), f(a, "att"), f(a, "q"), f(a, "k"), f(a, "v"), i(a, "lengths"), B, T, NH, NKV, hs);
      return a;
    },
    reference: (a) => attentionBackward(f(a, "dq"), f(a, "dk"), f(a, "dv"), f(a, "dout"), f(a, "q"), f(a, "k"), f(a, "v"),
      f(a, "att"), i(a, "lengths"), B, T, NH, NKV, hs),
    run: (be, t) => be.attentionBackward(t.dq, t.dk, t.dv, t.dout, t.q, t.k, t.v, t.att, t.lengths, B, T, NH, NKV, hs),
  },
  {
    name: "cacheWrite", kind: "forward", outputs: ["cache"],
    setup: (rng) => ({ cache: randomFloats(rng, Bc * maxT * NKV * hs), inp: randomFloats(rng, 2 * 3 * NKV * hs),
      rows: Int32Array.from([2, 0]), offsets: Int32Array.from([1, 7]) }),
    reference: (a) => cacheWrite(f(a, "cache"), f(a, "inp"), i(a, "rows"), i(a, "offsets"), 2, 3, maxT, NKV * hs),
    run: (be, t) => be.cacheWrite(t.cache, t.inp, t.rows, t.offsets, 2, 3, maxT, NKV * hs),
  },
  {
    name: "attentionDecode (GQA)", kind: "forward", outputs: ["out"],
    setup: (rng) => ({ out: new Float32Array(2 * NH * hs), att: new Float32Array(2 * NH * maxT), q: randomFloats(rng, 2 * NH * hs),
      kCache: randomFloats(rng, Bc * maxT * NKV * hs), vCache: randomFloats(rng, Bc * maxT * NKV * hs),
      rows: Int32Array.from([2, 0]), lengths: Int32Array.from([9, 3]) }),
    reference: (a) => attentionDecode(f(a, "out"), f(a, "att"), f(a, "q"), f(a, "kCache"), f(a, "vCache"), i(a, "rows"),
      i(a, "lengths"), 2, maxT, NH, NKV, hs),
    run: (be, t) => be.attentionDecode(t.out, t.att, t.q, t.kCache, t.vCache, t.rows, t.lengths, 2, maxT, NH, NKV, hs),
  },
  chunkedPrefillCase,
  {
    name: "geluForward", kind: "forward", outputs: ["out"],
    setup: (rng) => ({ out: new Float32Array(N * H), inp: randomFloats(rng, N * H, 4) }),
    reference: (a) => geluForward(f(a, "out"), f(a, "inp"), N * H),
    run: (be, t) => be.geluForward(t.out, t.inp, N * H),
  },
  {
    name: "geluBackward", kind: "backward", outputs: ["dinp"],
    setup: (rng) => ({ dinp: randomFloats(rng, N * H), dout: randomFloats(rng, N * H), inp: randomFloats(rng, N * H, 4) }),
    reference: (a) => geluBackward(f(a, "dinp"), f(a, "dout"), f(a, "inp"), N * H),
    run: (be, t) => be.geluBackward(t.dinp, t.dout, t.inp, N * H),
  },
  {
    name: "swigluForward", kind: "forward", outputs: ["out"],
    setup: (rng) => ({ out: new Float32Array(N * H), gate: randomFloats(rng, N * H, 4), up: randomFloats(rng, N * H) }),
    reference: (a) => swigluForward(f(a, "out"), f(a, "gate"), f(a, "up"), N * H),
    run: (be, t) => be.swigluForward(t.out, t.gate, t.up, N * H),
  },
  {
    name: "swigluBackward", kind: "backward", outputs: ["dgate", "dup"],
    setup: (rng) => ({ dgate: randomFloats(rng, N * H), dup: randomFloats(rng, N * H), dout: randomFloats(rng, N * H),
      gate: randomFloats(rng, N * H, 4), up: randomFloats(rng, N * H) }),
    reference: (a) => swigluBackward(f(a, "dgate"), f(a, "dup"), f(a, "dout"), f(a, "gate"), f(a, "up"), N * H),
    run: (be, t) => be.swigluBackward(t.dgate, t.dup, t.dout, t.gate, t.up, N * H),
  },
  {
    name: "residualForward", kind: "forward", outputs: ["out"],
    setup: (rng) => ({ out: new Float32Array(N * C), a: randomFloats(rng, N * C), b: randomFloats(rng, N * C) }),
    reference: (a) => residualForward(f(a, "out"), f(a, "a"), f(a, "b"), N * C),
    run: (be, t) => be.residualForward(t.out, t.a, t.b, N * C),
  },
  {
    // accumulates, so "backward" kind: the output keeps its random start and the op must add onto it
    name: "scaledAdd", kind: "backward", outputs: ["out"],
    setup: (rng) => ({ out: randomFloats(rng, N * C), inp: randomFloats(rng, N * C) }),
    reference: (a) => scaledAdd(f(a, "out"), f(a, "inp"), 2.5, N * C - 3),
    run: (be, t) => be.scaledAdd(t.out, t.inp, 2.5, N * C - 3),
  },
  {
    name: "logprobsForward", kind: "forward", setup: logprobsSetup, outputs: ["logprobs", "entropy", "lse"],
    reference: (a) => logprobsForward(f(a, "logprobs"), f(a, "entropy"), f(a, "lse"), f(a, "logits"), i(a, "targets"), N, V),
    run: (be, t) => be.logprobsForward(t.logprobs, t.entropy, t.lse, t.logits, t.targets, N, V),
  },
  {
    name: "logprobsBackward", kind: "backward", setup: logprobsSetup, outputs: ["dlogits"],
    reference: (a) => logprobsBackward(f(a, "dlogits"), f(a, "dlogprobs"), f(a, "dentropy"), f(a, "logits"), i(a, "targets"),
      f(a, "lse"), f(a, "entropy"), N, V),
    run: (be, t) => be.logprobsBackward(t.dlogits, t.dlogprobs, t.dentropy, t.logits, t.targets, t.lse, t.entropy, N, V),
  },
  {
    name: "adamwUpdate", kind: "backward", outputs: ["param", "m", "v"],
    setup: (rng) => ({ param: randomFloats(rng, 40), m: randomFloats(rng, 40, 0.1),
      v: randomFloats(rng, 40, 0.01).map(Math.abs), grad: randomFloats(rng, 40) }),
    reference: (a) => adamwUpdate(f(a, "param"), f(a, "m"), f(a, "v"), f(a, "grad"), 40, ADAMW),
    run: (be, t) => be.adamwUpdate(t.param, t.m, t.v, t.grad, 40, ADAMW),
  },
  {
    name: "sumSquares", kind: "forward", outputs: ["result"],
    setup: (rng) => ({ result: new Float32Array(1), x: randomFloats(rng, 33), y: randomFloats(rng, 7) }),
    reference: (a) => {
      f(a, "result")[0] = sumSquares(f(a, "x"), 33) + sumSquares(f(a, "y"), 7);
    },
    run: async (be, t) => be.upload(t.result, Float32Array.of(await be.sumSquares([t.x, t.y]))),
  },
  {
    name: "zero and copy", kind: "forward", outputs: ["dst", "z"],
    setup: (rng) => ({ dst: randomFloats(rng, 12), src: randomFloats(rng, 12), z: randomFloats(rng, 12) }),
    reference: (a) => {
      f(a, "dst").set(f(a, "src").subarray(0, 9));
      f(a, "z").fill(0, 0, 5);
    },
    run: async (be, t) => {
      await be.copy(t.dst, t.src, 9);
      await be.zero(t.z, 5);
    },
  },
];

const ADAMW = { lr: 0.01, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, gradScale: 0.5, step: 3 };
