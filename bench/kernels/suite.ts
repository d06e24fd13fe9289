/**
 * Matmul GFLOP/s of each implementation of the linear layer at the model's shapes, in one run:
 * the plain TypeScript reference (trainer/engine/cpu/ops), the wasm kernels on 1 and on 2 threads
 * (the plain SIMD build and, where the runtime runs it, the relaxed-SIMD build with fused
 * multiply-adds, which createWasmKernels takes by default), and a near-peak yardstick (NumPy on OpenBLAS, injected by the caller) measured between
 * them. The machine is shared and noisy: read ratios within one run, not figures across runs.
 *
 * Shapes: BT rows, C input channels, OC output channels. Forward does 2·BT·C·OC flops, backward
 * (dinp and dweight) twice that; the median time of the samples is used.
 */
import { Bench } from "tinybench";
import { matmulBackward, matmulForward } from "../../trainer/engine/cpu/ops/matmul.ts";
import { createWasmKernels, relaxedSimdAvailable, type WasmKernels } from "../../trainer/engine/wasm/wasm_kernels.ts";
import { wasmBuildName } from "../engine.ts";

/** One matmul shape. */
export interface MatmulShape {
  name: string;
  BT: number;
  C: number;
  OC: number;
}

/** GFLOP/s of forward and backward for one implementation at one shape: from the median time, and from the fastest call. */
export interface MatmulFigure {
  shape: string;
  implementation: string;
  forwardGflops: number;
  backwardGflops: number;
  bestForwardGflops?: number;
  bestBackwardGflops?: number;
}

/** Measures the yardstick at the given shapes, or says why it cannot. */
export type Yardstick = (shapes: MatmulShape[]) => Promise<
  { name: string; figures: Omit<MatmulFigure, "shape" | "implementation">[] } | { skipped: string }
>;

/** Options of {@link runMatmulBench}. */
export interface MatmulBenchOptions {
  shapes?: MatmulShape[];
  yardstick?: Yardstick;
  /** Minimum measured milliseconds per task (default 300; at least 3 samples are taken anyway). */
  timeMs?: number;
}

/** The report written to bench/results/kernels.json. */
export interface MatmulBenchReport {
  bench: "kernels";
  figures: MatmulFigure[];
  /** Why there is no yardstick row, when there is none. */
  yardstickSkipped?: string;
  /**
   * Per shape and wasm build: the build on 2 threads as a fraction of the yardstick (target: at least
   * 1/3), medians over medians; the default build's row first.
   */
  ratios: { shape: string; implementation: string; forward: number; backward: number }[];
}

/** The tiny default model's widest matmuls, the brief's example and a GPT-2-small MLP layer. */
export const DEFAULT_SHAPES: MatmulShape[] = [
  { name: "tiny MLP 2048x64x176", BT: 2048, C: 64, OC: 176 },
  { name: "tiny 2048x128x512", BT: 2048, C: 128, OC: 512 },
  { name: "gpt2 MLP 512x768x3072", BT: 512, C: 768, OC: 3072 },
];

interface Operands {
  inp: Float32Array;
  weight: Float32Array;
  bias: Float32Array;
  out: Float32Array;
  dout: Float32Array;
  dinp: Float32Array;
  dweight: Float32Array;
  dbias: Float32Array;
}

function operands(alloc: (n: number) => Float32Array, { BT, C, OC }: MatmulShape): Operands {
  const random = (n: number) => {
    const a = alloc(n);
    for (let i = 0; i < n; i++) a[i] = Math.sin(i * 12.9898) * 0.5;
    return a;
  };
  return {
    inp: random(BT * C), weight: random(OC * C), bias: random(OC), out: alloc(BT * OC),
    dout: random(BT * OC), dinp: alloc(BT * C), dweight: alloc(OC * C), dbias: alloc(OC),
  };
}

type Impl = { name: string; kernels: Pick<WasmKernels, "matmulForward" | "matmulBackward">; alloc: (n: number) => Float32Array };

/**
 * Runs the benchmark and returns every figure.
 *
 * @example
 * ```ts
 * const report = await runMatmulBench({ yardstick: numpyYardstick });
 * console.log(formatTable(report));
 * ```
 */
export async function runMatmulBench(options: MatmulBenchOptions = {}): Promise<MatmulBenchReport> {
  const shapes = options.shapes ?? DEFAULT_SHAPES;
  const builds = (await relaxedSimdAvailable()) ? [true, false] : [false];
  const instances: WasmKernels[] = [];
  const figures: MatmulFigure[] = [];
  let yardstickSkipped: string | undefined;
  try {
    const impls: Impl[] = [
      { name: "typescript reference", kernels: { matmulForward, matmulBackward }, alloc: (n) => new Float32Array(n) },
    ];
    for (const relaxedSimd of builds) {
      for (const threads of [1, 2]) {
        const kernels = await createWasmKernels({ threads, relaxedSimd });
        instances.push(kernels);
        impls.push({ name: `${wasmBuildName(kernels)}, ${kernels.threads} thread${kernels.threads === 1 ? "" : "s"}`, kernels, alloc: kernels.alloc });
      }
    }
    for (const shape of shapes) {
      const { BT, C, OC } = shape;
      const flops = 2 * BT * C * OC;
      const yardstick = options.yardstick ? await options.yardstick([shape]) : { skipped: "no yardstick given" };
      if ("skipped" in yardstick) yardstickSkipped = yardstick.skipped;
      else figures.push({ shape: shape.name, implementation: yardstick.name, ...yardstick.figures[0] });
      for (const impl of impls) {
        const o = operands(impl.alloc, shape);
        const bench = new Bench({ time: options.timeMs ?? 300, iterations: 3, warmupIterations: 1, warmupTime: 0 });
        bench.add("forward", () => impl.kernels.matmulForward(o.out, o.inp, o.weight, o.bias, BT, C, OC));
        bench.add("backward", () => impl.kernels.matmulBackward(o.dinp, o.dweight, o.dbias, o.dout, o.inp, o.weight, BT, C, OC));
        await bench.run();
        const [forward, backward] = bench.tasks.map((task) => {
          const result = task.result;
          if (!("latency" in result)) throw new Error(`${impl.name} ${task.name} at ${shape.name} did not finish: ${result.state}`);
          return result.latency;
        });
        figures.push({
          shape: shape.name,
          implementation: impl.name,
          forwardGflops: flops / forward.p50 / 1e6,
          backwardGflops: (2 * flops) / backward.p50 / 1e6,
          bestForwardGflops: flops / forward.min / 1e6,
          bestBackwardGflops: (2 * flops) / backward.min / 1e6,
        });
      }
      for (const kernels of instances) kernels.reset();
    }
  } finally {
    for (const kernels of instances) kernels.dispose();
  }
  const ratios = shapes.flatMap((shape) => {
    const rows = figures.filter((f) => f.shape === shape.name);
    const peak = rows.find((f) => !f.implementation.startsWith("wasm") && f.implementation !== "typescript reference");
    if (!peak) return [];
    return rows.filter((f) => f.implementation.startsWith("wasm") && f.implementation.endsWith(", 2 threads")).map((wasm) => ({
      shape: shape.name,
      implementation: wasm.implementation,
      forward: wasm.forwardGflops / peak.forwardGflops,
      backward: wasm.backwardGflops / peak.backwardGflops,
    }));
  });
  return { bench: "kernels", figures, ...(yardstickSkipped ? { yardstickSkipped } : {}), ratios };
}

/**
 * The report as a text table: one row per shape and implementation (GFLOP/s from the median time, and
 * from the fastest call where measured here), then the ratios to the yardstick.
 */
export function formatTable(report: MatmulBenchReport): string {
  const header = ["shape", "implementation", "forward GFLOP/s", "backward GFLOP/s", "best fwd", "best bwd"];
  const best = (value?: number) => (value === undefined ? "" : value.toFixed(2));
  const rows = report.figures.map((f) => [
    f.shape, f.implementation, f.forwardGflops.toFixed(2), f.backwardGflops.toFixed(2), best(f.bestForwardGflops), best(f.bestBackwardGflops),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  const lines = [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)];
  if (report.yardstickSkipped) lines.push(`yardstick skipped: ${report.yardstickSkipped}`);
  for (const r of report.ratios) {
    lines.push(`${r.shape}: ${r.implementation} = ${r.forward.toFixed(2)} (forward), ${r.backward.toFixed(2)} (backward) of the yardstick (medians)`);
  }
  return lines.join("\n");
}
