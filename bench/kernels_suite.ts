/**
 * The kernels suite of the runner: bench/kernels' matmul benchmark (typescript reference, wasm simd and
 * relaxed simd on 1 and 2 threads, NumPy on OpenBLAS as the near-peak yardstick), at the tiny model's and a
 * GPT-2-small MLP's shapes, or one small shape with `--quick`.
 */
import { numpyYardstick } from "./kernels/numpy_node.ts";
import { DEFAULT_SHAPES, formatTable, type MatmulBenchReport, runMatmulBench } from "./kernels/suite.ts";
import type { SuiteOutput } from "./report.ts";
import type { SuiteContext } from "./suite_types.ts";

const QUICK_SHAPES = [{ name: "tiny MLP 256x64x176", BT: 256, C: 64, OC: 176 }];

/** Runs the suite. */
export async function run(context: SuiteContext): Promise<SuiteOutput<MatmulBenchReport>> {
  const shapes = context.quick ? QUICK_SHAPES : DEFAULT_SHAPES;
  context.log(`kernels: matmul at ${shapes.map((shape) => shape.name).join(", ")}`);
  const report = await runMatmulBench({ shapes, yardstick: numpyYardstick, ...(context.quick ? { timeMs: 20, rounds: 3 } : {}) });
  const notes = report.yardstickSkipped ? [report.yardstickSkipped] : [];
  return { backend: "typescript reference, wasm simd and relaxed simd (1 and 2 threads)", figures: report, table: formatTable(report), notes };
}
