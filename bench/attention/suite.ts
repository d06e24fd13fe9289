/**
 * Attention forward and backward in GFLOP/s: the plain TypeScript reference (trainer/engine/cpu/ops)
 * against the wasm SIMD kernels on 1 and 2 threads, at the tiny model's training shape and a
 * GPT-2-small-like shape, measured in one run.
 *
 * Shapes: B batch, T time, NH query heads, NKV key/value heads, hs head size; every row holds T valid
 * positions. Flops count the useful work of the causal triangle: forward 4·B·NH·hs·T(T+1)/2 (Q·Kᵀ and
 * P·V), backward twice that (dP, dV, dQ, dK); softmax is not counted.
 */
import { attentionBackward, attentionForward } from "../../trainer/engine/cpu/ops/attention.ts";
import type { Kernels } from "../../trainer/engine/backend/backend.ts";
import { createWasmKernels } from "../../trainer/engine/wasm/wasm_kernels.ts";
import { wasmBuildName } from "../engine.ts";
import { formatTable, type SuiteOutput } from "../report.ts";
import type { SuiteContext } from "../suite_types.ts";
import { type RunCounts, timeRuns } from "../timing.ts";

/** One attention shape. */
export interface AttentionShape {
  name: string;
  B: number;
  T: number;
  NH: number;
  NKV: number;
  hs: number;
}

/** GFLOP/s of one implementation at one shape, and its speed-up over the reference. */
export interface AttentionRow {
  shape: string;
  implementation: string;
  forwardGflops: number;
  backwardGflops: number;
  forwardOverReference: number;
  backwardOverReference: number;
}

/** The figures of bench/results/attention.json. */
export interface AttentionFigures {
  shapes: AttentionShape[];
  rows: AttentionRow[];
}

/** The tiny model's training shape (batch 8 of 256 positions) and GPT-2 small's heads over 512 positions. */
export const ATTENTION_SHAPES: AttentionShape[] = [
  { name: "tiny B8 T256 NH4/2 hs16", B: 8, T: 256, NH: 4, NKV: 2, hs: 16 },
  { name: "gpt2-small B1 T512 NH12 hs64", B: 1, T: 512, NH: 12, NKV: 12, hs: 64 },
];
const QUICK_SHAPES: AttentionShape[] = [{ name: "tiny B2 T64 NH4/2 hs16", B: 2, T: 64, NH: 4, NKV: 2, hs: 16 }];

type AttentionKernels = Pick<Kernels, "attentionForward" | "attentionBackward">;
interface Impl {
  name: string;
  kernels: AttentionKernels;
  alloc(n: number): Float32Array;
  allocInt32(n: number): Int32Array;
}

/** Forward flops of the causal triangle. */
export function attentionFlops({ B, T, NH, hs }: AttentionShape): number {
  return 4 * B * NH * hs * (T * (T + 1)) / 2;
}

async function measure(impl: Impl, shape: AttentionShape, counts: RunCounts) {
  const { B, T, NH, NKV, hs } = shape;
  const filled = (n: number, phase: number) => {
    const a = impl.alloc(n);
    for (let i = 0; i < n; i++) a[i] = Math.sin(i * 12.9898 + phase) * 0.5;
    return a;
  };
  const q = filled(B * T * NH * hs, 1), k = filled(B * T * NKV * hs, 2), v = filled(B * T * NKV * hs, 3);
  const dout = filled(B * T * NH * hs, 4);
  const out = impl.alloc(B * T * NH * hs), att = impl.alloc(B * NH * T * T);
  const dq = impl.alloc(B * T * NH * hs), dk = impl.alloc(B * T * NKV * hs), dv = impl.alloc(B * T * NKV * hs);
  const lengths = impl.allocInt32(B).fill(T);
  const { kernels } = impl;
  const forward = await timeRuns(`${impl.name} forward`, () => kernels.attentionForward(out, att, q, k, v, lengths, B, T, NH, NKV, hs), counts);
  const backward = await timeRuns(`${impl.name} backward`, () => kernels.attentionBackward(dq, dk, dv, dout, q, k, v, att, lengths, B, T, NH, NKV, hs), counts);
  const flops = attentionFlops(shape);
  return { forwardGflops: flops / forward.p50Ms / 1e6, backwardGflops: (2 * flops) / backward.p50Ms / 1e6 };
}

/** Runs the suite. */
export async function run(context: SuiteContext): Promise<SuiteOutput<AttentionFigures>> {
  const shapes = context.quick ? QUICK_SHAPES : ATTENTION_SHAPES;
  const counts = context.quick ? { iterations: 1, warmup: 1 } : { iterations: 3, warmup: 1 };
  const one = await createWasmKernels({ threads: 1 });
  const two = await createWasmKernels({ threads: 2 });
  const rows: AttentionRow[] = [];
  try {
    const impls: Impl[] = [
      { name: "typescript reference", kernels: { attentionForward, attentionBackward }, alloc: (n) => new Float32Array(n), allocInt32: (n) => new Int32Array(n) },
      { name: `${wasmBuildName(one)}, 1 thread`, kernels: one, alloc: one.alloc, allocInt32: one.allocInt32 },
      { name: `${wasmBuildName(two)}, ${two.threads} threads`, kernels: two, alloc: two.alloc, allocInt32: two.allocInt32 },
    ];
    for (const shape of shapes) {
      let reference: { forwardGflops: number; backwardGflops: number } | null = null;
      for (const impl of impls) {
        context.log(`attention: ${shape.name}, ${impl.name}`);
        const figures = await measure(impl, shape, counts);
        reference ??= figures;
        rows.push({
          shape: shape.name,
          implementation: impl.name,
          ...figures,
          forwardOverReference: figures.forwardGflops / reference.forwardGflops,
          backwardOverReference: figures.backwardGflops / reference.backwardGflops,
        });
      }
      one.reset();
      two.reset();
    }
  } finally {
    one.dispose();
    two.dispose();
  }
  const table = formatTable(
    ["shape", "implementation", "forward GFLOP/s", "backward GFLOP/s", "fwd x ref", "bwd x ref"],
    rows.map((r) => [r.shape, r.implementation, r.forwardGflops, r.backwardGflops, r.forwardOverReference, r.backwardOverReference]),
    { digits: 2, leftColumns: 2 },
  );
  return { backend: `typescript reference, ${wasmBuildName(one)} (1 and 2 threads)`, figures: { shapes, rows }, table };
}
