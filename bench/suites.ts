/**
 * The benchmark suites by name, in the order `toolrl bench` runs them, each loaded only when it runs
 * (so a quick run of one suite never starts Pyodide or a server).
 */
import type { SuiteOutput } from "./report.ts";
import type { SuiteContext } from "./suite_types.ts";

export type { SuiteContext };

/** A suite: its name, what it measures, and how to run it. */
export interface Suite {
  name: string;
  description: string;
  /** Whether `--quick` runs it when no suite is named (false for suites that have no short form). */
  quick: boolean;
  run(context: SuiteContext): Promise<SuiteOutput>;
}

const lazy = (name: string, description: string, load: () => Promise<{ run: Suite["run"] }>, quick = true): Suite => ({
  name,
  description,
  quick,
  run: async (context) => (await load()).run(context),
});

/** Every suite, in run order. */
export const SUITES: readonly Suite[] = [
  lazy("decode", "greedy decode tokens/s of the tiny model at batch 1 and 32, per backend, and the engine vs onnxruntime-web on its ONNX export", () => import("./decode/suite.ts")),
  lazy("kernels", "matmul GFLOP/s: typescript reference, wasm simd and relaxed simd on 1 and 2 threads, numpy", () => import("./kernels_suite.ts")),
  lazy("attention", "attention forward/backward GFLOP/s: typescript reference vs wasm simd", () => import("./attention/suite.ts")),
  lazy("train-step", "one training step (forward, backward, AdamW) of the engine on wasm (always) vs PyTorch on the CPU, same weights and batch", () => import("./train_step/suite.ts")),
  lazy("rollout", "rollout throughput on calculator, wiki, python-math vs the decode ceiling, the work ceiling and lock-step, under node and deno", () => import("./rollout/suite.ts")),
  lazy("latency", "throughput with a tool that sleeps 0, 10, 100 ms, async vs lock-step", () => import("./latency/suite.ts")),
  lazy("server", "tool server requests/s and p50/p99 vs a bare hono handler", () => import("./server_suite.ts")),
  lazy("webgpu", "webgpu matmul GFLOP/s and decode tokens/s on the adapter present (deno)", () => import("./webgpu_suite.ts"), false),
];

/**
 * The suites called `names` in run order; when none is named, every suite (every quick one for `quick`).
 * Throws naming the known suites.
 *
 * @example
 * ```ts
 * pickSuites(["rollout"]).map((s) => s.name); // ["rollout"]
 * ```
 */
export function pickSuites(names: readonly string[], options: { quick?: boolean } = {}): Suite[] {
  const unknown = names.filter((name) => !SUITES.some((suite) => suite.name === name));
  if (unknown.length > 0) {
    throw new Error(`unknown suite "${unknown[0]}"; the suites are ${SUITES.map((suite) => suite.name).join(", ")}`);
  }
  if (names.length > 0) return SUITES.filter((suite) => names.includes(suite.name));
  return SUITES.filter((suite) => suite.quick || !options.quick);
}
