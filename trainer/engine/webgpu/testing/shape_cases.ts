/**
 * Conformance cases at shapes the shared suite does not reach: several GEMM tiles with a ragged last
 * k-step, rows wider than a workgroup (norms, logits), sequences longer than a workgroup (attention,
 * decode), long embedding chains (repeated tokens) and a Σx² spread over many workgroups. The cpu
 * backend runs each op as the oracle, so the cases need no reference code of their own.
 */
import type { Backend, Tensor } from "../../backend/backend.ts";
import type { Arrays, OpCase, Tensors } from "../../conformance/cases.ts";
import { randomFloats, randomInts } from "../../conformance/fixtures.ts";
import { createCpuBackend, type CpuTensor } from "../../cpu/cpu_backend.ts";
import { ropeTable } from "../../cpu/ops/rope.ts";
import type { Prng } from "../../../../core/random/sfc32.ts";

const B = 2, T = 70, N = B * T, C = 83, OC = 45, NH = 4, NKV = 2, hs = 8, V = 150, H = 300;
const LENGTHS = Int32Array.from([70, 33]);
const positions = () => Int32Array.from({ length: N }, (_, n) => n % T);

/** A case whose reference is `run` on the cpu backend. */
function viaCpu(
  name: string, kind: OpCase["kind"], outputs: string[], setup: (rng: Prng) => Arrays,
  run: (backend: Backend, t: Tensors) => unknown,
): OpCase {
  return {
    name, kind, outputs, setup, run: (backend, t) => run(backend, t) as void,
    reference(a) {
      const cpu = createCpuBackend();
      const t: Tensors = {};
      for (const [key, data] of Object.entries(a)) {
        t[key] = cpu.alloc([data.length], data instanceof Int32Array ? "i32" : "f32");
        cpu.upload(t[key], data);
      }
      run(cpu, t);
      for (const key of outputs) a[key].set((t[key] as CpuTensor).data);
    },
  };
}

const attention = (rng: Prng): Arrays => ({
  out: new Float32Array(N * NH * hs), att: new Float32Array(B * NH * T * T), q: randomFloats(rng, N * NH * hs),
  k: randomFloats(rng, N * NKV * hs), v: randomFloats(rng, N * NKV * hs), lengths: LENGTHS.slice(),
  dout: randomFloats(rng, N * NH * hs), dq: randomFloats(rng, N * NH * hs), dk: randomFloats(rng, N * NKV * hs),
  dv: randomFloats(rng, N * NKV * hs),
});
const attend = (be: Backend, t: Tensors) => be.attentionForward(t.out, t.att, t.q, t.k, t.v, t.lengths, B, T, NH, NKV, hs);
const norms = (rng: Prng): Arrays => ({
  out: new Float32Array(N * C), mean: new Float32Array(N), rstd: new Float32Array(N), inp: randomFloats(rng, N * C, 2),
  weight: randomFloats(rng, C), bias: randomFloats(rng, C), dinp: randomFloats(rng, N * C), dweight: randomFloats(rng, C),
  dbias: randomFloats(rng, C), dout: randomFloats(rng, N * C),
});
const linear = (rng: Prng): Arrays => ({
  out: new Float32Array(N * OC), inp: randomFloats(rng, N * C), weight: randomFloats(rng, OC * C), bias: randomFloats(rng, OC),
  dinp: randomFloats(rng, N * C), dweight: randomFloats(rng, OC * C), dbias: randomFloats(rng, OC), dout: randomFloats(rng, N * OC),
});
const head = (rng: Prng): Arrays => {
  const targets = randomInts(rng, N, V);
  targets[5] = -1;
  return {
    logprobs: new Float32Array(N), entropy: new Float32Array(N), lse: new Float32Array(N), logits: randomFloats(rng, N * V, 4),
    targets, dlogits: randomFloats(rng, N * V), dlogprobs: randomFloats(rng, N), dentropy: randomFloats(rng, N),
  };
};
const withForward = <A extends Arrays>(setup: (rng: Prng) => A, forward: (be: Backend, t: Tensors) => unknown) => (rng: Prng) => {
  const a = setup(rng);
  const cpu = createCpuBackend();
  const t: Tensors = {};
  for (const [key, data] of Object.entries(a)) {
    t[key] = { shape: [data.length], dtype: data instanceof Int32Array ? "i32" : "f32", size: data.length, data } as CpuTensor;
  }
  forward(cpu, t);
  return a;
};
const logprobsOf = (be: Backend, t: Tensors) => be.logprobsForward(t.logprobs, t.entropy, t.lse, t.logits, t.targets, N, V);
const layernormOf = (be: Backend, t: Tensors) =>
  be.layernormForward(t.out, t.mean, t.rstd, t.inp, t.weight, t.bias, N, C, 1e-5);
const rmsnormOf = (be: Backend, t: Tensors) => be.rmsnormForward(t.out, t.rstd, t.inp, t.weight, N, C, 1e-5);

/** The larger-shape cases, run with `runConformance(backend, { cases: shapeCases })`. */
export const shapeCases: OpCase[] = [
  viaCpu(`matmulForward (${N}×${C} · ${OC}×${C}ᵀ)`, "forward", ["out"], linear,
    (be, t) => be.matmulForward(t.out, t.inp, t.weight, t.bias, N, C, OC)),
  viaCpu(`matmulBackward (${N}×${C}, OC ${OC})`, "backward", ["dinp", "dweight", "dbias"], linear,
    (be, t) => be.matmulBackward(t.dinp, t.dweight, t.dbias, t.dout, t.inp, t.weight, N, C, OC)),
  viaCpu(`layernormForward (C ${C})`, "forward", ["out", "mean", "rstd"], norms, layernormOf),
  viaCpu(`layernormBackward (C ${C})`, "backward", ["dinp", "dweight", "dbias"], withForward(norms, layernormOf),
    (be, t) => be.layernormBackward(t.dinp, t.dweight, t.dbias, t.dout, t.inp, t.weight, t.mean, t.rstd, N, C)),
  viaCpu(`rmsnormForward (C ${C})`, "forward", ["out", "rstd"], norms, rmsnormOf),
  viaCpu(`rmsnormBackward (C ${C})`, "backward", ["dinp", "dweight"], withForward(norms, rmsnormOf),
    (be, t) => be.rmsnormBackward(t.dinp, t.dweight, t.dout, t.inp, t.weight, t.rstd, N, C)),
  viaCpu(`attentionForward (T ${T}, lengths 70/33)`, "forward", ["out", "att"], attention, attend),
  viaCpu(`attentionBackward (T ${T}, lengths 70/33)`, "backward", ["dq", "dk", "dv"], withForward(attention, attend),
    (be, t) => be.attentionBackward(t.dq, t.dk, t.dv, t.dout, t.q, t.k, t.v, t.att, t.lengths, B, T, NH, NKV, hs)),
  viaCpu(`attentionDecode (maxT ${T})`, "forward", ["out"], (rng) => ({
    out: new Float32Array(2 * NH * hs), att: new Float32Array(2 * NH * T), q: randomFloats(rng, 2 * NH * hs),
    kCache: randomFloats(rng, 3 * T * NKV * hs), vCache: randomFloats(rng, 3 * T * NKV * hs),
    rows: Int32Array.from([1, 2]), lengths: Int32Array.from([T, 66]),
  }), (be, t) => be.attentionDecode(t.out, t.att, t.q, t.kCache, t.vCache, t.rows, t.lengths, 2, T, NH, NKV, hs)),
  viaCpu(`ropeForward (positions up to ${T - 1})`, "forward", ["x"], (rng) => ({
    x: randomFloats(rng, N * NH * hs), positions: positions(), table: ropeTable(T, hs, 10000),
  }), (be, t) => be.ropeForward(t.x, t.positions, t.table, N, NH, hs)),
  viaCpu(`logprobsForward (V ${V})`, "forward", ["logprobs", "entropy", "lse"], head, logprobsOf),
  viaCpu(`logprobsBackward (V ${V}, no entropy term)`, "backward", ["dlogits"], withForward(head, logprobsOf),
    (be, t) => be.logprobsBackward(t.dlogits, t.dlogprobs, null, t.logits, t.targets, t.lse, t.entropy, N, V)),
  viaCpu("encoderBackward (5 distinct tokens over 140 rows)", "backward", ["dwte", "dwpe"], (rng) => ({
    dwte: randomFloats(rng, 5 * C), dwpe: randomFloats(rng, T * C), dout: randomFloats(rng, N * C),
    tokens: randomInts(rng, N, 5), positions: positions(),
  }), (be, t) => be.encoderBackward(t.dwte, t.dwpe, t.dout, t.tokens, t.positions, N, C)),
  viaCpu(`swigluBackward (${N * H} elements)`, "backward", ["dgate", "dup"], (rng) => ({
    dgate: randomFloats(rng, N * H), dup: randomFloats(rng, N * H), dout: randomFloats(rng, N * H),
    gate: randomFloats(rng, N * H, 30), up: randomFloats(rng, N * H),
  }), (be, t) => be.swigluBackward(t.dgate, t.dup, t.dout, t.gate, t.up, N * H)),
  viaCpu("geluForward (inputs up to ±30)", "forward", ["out"], (rng) => ({
    out: new Float32Array(N * H), inp: randomFloats(rng, N * H, 30),
  }), (be, t) => be.geluForward(t.out, t.inp, N * H)),
  {
    name: "sumSquares (3 tensors, 70000 elements)", kind: "forward", outputs: ["result"],
    setup: (rng) => ({ result: new Float32Array(1), x: randomFloats(rng, 50000), y: randomFloats(rng, 3), z: randomFloats(rng, 19997) }),
    reference(a) {
      let s = 0;
      for (const key of ["x", "y", "z"]) for (const v of a[key]) s += v * v;
      a.result[0] = s;
    },
    run: async (be, t) => be.upload(t.result, Float32Array.of(await be.sumSquares([t.x, t.y, t.z] as Tensor[]))),
  },
];
