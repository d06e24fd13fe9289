/**
 * Runs the op cases against a backend: each op's outputs against the TypeScript reference on the
 * same inputs, within a stated tolerance, reporting the max absolute difference and the first
 * mismatches. Forward outputs start as random values, so an op that skips an element it should
 * write (a masked row, say) fails.
 */
import type { Backend, Tensor } from "../backend/backend.ts";
import { createPrng } from "../../../core/random/sfc32.ts";
import { type OpCase, opCases, type Tensors } from "./cases.ts";
import { compare, type Comparison, formatComparisons, type Tolerance } from "./compare.ts";
import { randomFloats } from "./fixtures.ts";

/** Default tolerances: float32 kernels may sum in another order (backward sums over more terms). */
export const DEFAULT_TOLERANCE = {
  forward: { atol: 1e-5, rtol: 1e-4 },
  backward: { atol: 1e-4, rtol: 1e-3 },
};

/** Options of `runConformance`. */
export interface ConformanceOptions {
  tolerance?: { forward: Tolerance; backward: Tolerance };
  seed?: number;
  /** Default: every case of `opCases`. */
  cases?: OpCase[];
}

/** What `runConformance` found. */
export interface ConformanceReport {
  ok: boolean;
  comparisons: Comparison[];
  /** One line per output, with mismatches under failures. */
  text: string;
}

/**
 * Checks every op of `backend` against the reference.
 *
 * @example
 * ```ts
 * const report = await runConformance(createCpuBackend({ kernels }));
 * if (!report.ok) console.log(report.text);
 * ```
 */
export async function runConformance(backend: Backend, options: ConformanceOptions = {}): Promise<ConformanceReport> {
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const cases = options.cases ?? opCases;
  const comparisons: Comparison[] = [];
  for (let c = 0; c < cases.length; c++) {
    const op = cases[c];
    const rng = createPrng(options.seed ?? 1234, c);
    const arrays = op.setup(rng);
    if (op.kind === "forward") {
      for (const name of op.outputs) arrays[name] = randomFloats(rng, arrays[name].length, 10);
    }
    const expected = Object.fromEntries(Object.entries(arrays).map(([k, v]) => [k, v.slice()]));
    op.reference(expected);
    const tensors: Tensors = {};
    const owned: Tensor[] = [];
    try {
      for (const [name, data] of Object.entries(arrays)) {
        const t = backend.alloc([data.length], data instanceof Int32Array ? "i32" : "f32");
        owned.push(t);
        await backend.upload(t, data);
        tensors[name] = t;
      }
      await op.run(backend, tensors);
      for (const name of op.outputs) {
        const actual = await backend.download(tensors[name]);
        comparisons.push(compare(`${op.name}: ${name}`, expected[name], actual, tolerance[op.kind]));
      }
    } catch (error) {
      comparisons.push({ name: op.name, ok: false, maxAbsDiff: Infinity, mismatches: [`threw: ${(error as Error).message}`] });
    } finally {
      for (const t of owned) backend.free(t);
    }
  }
  return { ok: comparisons.every((c) => c.ok), comparisons, text: formatComparisons(comparisons) };
}
