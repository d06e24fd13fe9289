/**
 * Matmul GFLOP/s of each implementation of the linear layer at the model's shapes, in one run:
 * the plain TypeScript reference (trainer/engine/cpu/ops), the wasm kernels on 1 and on 2 threads
 * (the plain SIMD build and, where the runtime runs it, the relaxed-SIMD build with fused
 * multiply-adds, which createWasmKernels takes by default), and a near-peak yardstick (NumPy on OpenBLAS, injected by the caller) measured between
 * them. The machine is shared and noisy, and its speed drifts over seconds: the yardstick and the wasm
 * builds are timed in rounds, back to back, and each ratio is the median of the rounds' ratios. Read
 * ratios within one run, not figures across runs.
 *
 * Shapes: BT rows, C input channels, OC output channels. Forward does 2·BT·C·OC flops, backward
 * (dinp and dweight) twice that.
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

/**
 * GFLOP/s of forward and backward for one implementation at one shape: the median over rounds of each
 * round's median call, and the fastest call of all rounds.
 */
export interface MatmulFigure {
  shape: string;
  implementation: string;
  forwardGflops: number;
  backwardGflops: number;
  bestForwardGflops?: number;
  bestBackwardGflops?: number;
}

/** Milliseconds per call of one op in one round: the median call and the fastest. */
export interface OpTiming {
  medianMs: number;
  minMs: number;
}

/** An open yardstick: times forward and backward at a shape for about `timeMs` each, as often as asked. */
export interface YardstickSession {
  name: string;
  measure(shape: MatmulShape, timeMs: number): Promise<{ forward: OpTiming; backward: OpTiming }>;
  close(): void;
}

/** Opens the yardstick, or says why it cannot. */
export type Yardstick = () => Promise<YardstickSession | { skipped: string }>;

/** Options of {@link runMatmulBench}. */
export interface MatmulBenchOptions {
  shapes?: MatmulShape[];
  yardstick?: Yardstick;
  /** Measured milliseconds per op, implementation and round (default 100; at least 3 calls anyway). */
  timeMs?: number;
  /** Rounds per shape (default 5): each times the yardstick, then every wasm build, back to back. */
  rounds?: number;
}

/**
 * Per shape and wasm build, the build on 2 threads as a fraction of the yardstick (target: at least 1/3):
 * `forward` and `backward` are the median over rounds of the round's ratio of median calls (yardstick
 * and wasm timed back to back, so both see the same load on a shared machine); `bestForward` and
 * `bestBackward` relate the fastest calls of the whole run (what an idle machine gives).
 */
export interface MatmulRatio {
  shape: string;
  implementation: string;
  forward: number;
  backward: number;
  bestForward: number;
  bestBackward: number;
}

/** The report written to bench/results/kernels.json. */
export interface MatmulBenchReport {
  bench: "kernels";
  rounds: number;
  /** The matmul micro-kernel the wasm kernels picked on this engine (see trainer/engine/wasm/src/gemm.as). */
  microKernel?: string;
  figures: MatmulFigure[];
  /** Why there is no yardstick row, when there is none. */
  yardstickSkipped?: string;
  /** The default build's rows first. */
  ratios: MatmulRatio[];
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

const median = (values: number[]) => values.slice().sort((a, b) => a - b)[values.length >> 1];

/** Times forward and backward of `impl` on `o` for about `timeMs` each (tinybench). */
async function measure(impl: Impl, o: Operands, { BT, C, OC }: MatmulShape, timeMs: number) {
  const bench = new Bench({ time: timeMs, iterations: 3, warmupIterations: 1, warmupTime: 0 });
  bench.add("forward", () => impl.kernels.matmulForward(o.out, o.inp, o.weight, o.bias, BT, C, OC));
  bench.add("backward", () => impl.kernels.matmulBackward(o.dinp, o.dweight, o.dbias, o.dout, o.inp, o.weight, BT, C, OC));
  await bench.run();
  const [forward, backward] = bench.tasks.map((task): OpTiming => {
    const result = task.result;
    if (!("latency" in result)) throw new Error(`${impl.name} ${task.name} did not finish: ${result.state}`);
    return { medianMs: result.latency.p50!, minMs: result.latency.min };
  });
  return { forward, backward };
}

/** Per-round timings of one implementation at one shape. */
type Rounds = { forward: OpTiming; backward: OpTiming }[];

function figureOf(shape: MatmulShape, implementation: string, rounds: Rounds): MatmulFigure {
  const flops = 2 * shape.BT * shape.C * shape.OC;
  const gflops = (ms: number, f: number) => f / ms / 1e6;
  return {
    shape: shape.name,
    implementation,
    forwardGflops: median(rounds.map((r) => gflops(r.forward.medianMs, flops))),
    backwardGflops: median(rounds.map((r) => gflops(r.backward.medianMs, 2 * flops))),
    bestForwardGflops: gflops(Math.min(...rounds.map((r) => r.forward.minMs)), flops),
    bestBackwardGflops: gflops(Math.min(...rounds.map((r) => r.backward.minMs)), 2 * flops),
  };
}

/**
 * Runs the benchmark and returns every figure. The TypeScript reference is timed once per shape (it is
 * 20x slower and only a floor); the yardstick and the wasm builds in `rounds` rounds.
 *
 * @example
 * ```ts
 * const report = await runMatmulBench({ yardstick: numpyYardstick });
 * console.log(formatTable(report));
 * ```
 */
export async function runMatmulBench(options: MatmulBenchOptions = {}): Promise<MatmulBenchReport> {
  const shapes = options.shapes ?? DEFAULT_SHAPES;
  const timeMs = options.timeMs ?? 100;
  const roundCount = Math.max(1, options.rounds ?? 5);
  const builds = (await relaxedSimdAvailable()) ? [true, false] : [false];
  const instances: WasmKernels[] = [];
  const figures: MatmulFigure[] = [];
  const ratios: MatmulRatio[] = [];
  let yardstickSkipped: string | undefined;
  const opened = options.yardstick ? await options.yardstick() : { skipped: "no yardstick given" };
  const yardstick = "skipped" in opened ? null : opened;
  if ("skipped" in opened) yardstickSkipped = opened.skipped;
  try {
    const reference: Impl = { name: "typescript reference", kernels: { matmulForward, matmulBackward }, alloc: (n) => new Float32Array(n) };
    const wasm: Impl[] = [];
    for (const relaxedSimd of builds) {
      for (const threads of [1, 2]) {
        const kernels = await createWasmKernels({ threads, relaxedSimd });
        instances.push(kernels);
        wasm.push({ name: `${wasmBuildName(kernels)}, ${kernels.threads} thread${kernels.threads === 1 ? "" : "s"}`, kernels, alloc: kernels.alloc });
      }
    }
    for (const shape of shapes) {
      const peak: Rounds = [];
      const perImpl: Rounds[] = wasm.map(() => []);
      const operandsOf = wasm.map((impl) => operands(impl.alloc, shape));
      for (let round = 0; round < roundCount; round++) {
        if (yardstick) peak.push(await yardstick.measure(shape, timeMs));
        for (let i = 0; i < wasm.length; i++) perImpl[i].push(await measure(wasm[i], operandsOf[i], shape, timeMs));
      }
      const referenceRounds = [await measure(reference, operands(reference.alloc, shape), shape, timeMs)];
      if (yardstick) figures.push(figureOf(shape, yardstick.name, peak));
      figures.push(figureOf(shape, reference.name, referenceRounds));
      wasm.forEach((impl, i) => figures.push(figureOf(shape, impl.name, perImpl[i])));
      if (yardstick) {
        wasm.forEach((impl, i) => {
          if (!impl.name.endsWith(", 2 threads")) return;
          const mine = perImpl[i];
          const paired = (op: "forward" | "backward") => median(mine.map((r, j) => peak[j][op].medianMs / r[op].medianMs));
          const best = (op: "forward" | "backward") =>
            Math.min(...peak.map((r) => r[op].minMs)) / Math.min(...mine.map((r) => r[op].minMs));
          ratios.push({
            shape: shape.name, implementation: impl.name,
            forward: paired("forward"), backward: paired("backward"), bestForward: best("forward"), bestBackward: best("backward"),
          });
        });
      }
      for (const kernels of instances) kernels.reset();
    }
  } finally {
    for (const kernels of instances) kernels.dispose();
    yardstick?.close();
  }
  return { bench: "kernels", rounds: roundCount, microKernel: instances[0]?.microKernel, figures, ...(yardstickSkipped ? { yardstickSkipped } : {}), ratios };
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
  if (report.microKernel) lines.push(`micro-kernel: ${report.microKernel} (the faster on this engine, timed at start)`);
  for (const r of report.ratios) {
    lines.push(
      `${r.shape}: ${r.implementation} = ${r.forward.toFixed(2)} (forward), ${r.backward.toFixed(2)} (backward) of the yardstick` +
        ` (median of ${report.rounds} paired rounds); fastest calls ${r.bestForward.toFixed(2)}, ${r.bestBackward.toFixed(2)}`,
    );
  }
  return lines.join("\n");
}
