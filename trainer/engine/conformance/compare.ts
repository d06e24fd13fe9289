/**
 * Element-wise comparison of a backend's output with the reference, llm.c style: the max absolute
 * difference and the first mismatches, an element failing when |actual - expected| > atol + rtol·|expected|.
 */

/** Allowed difference: atol + rtol·|expected|. */
export interface Tolerance {
  atol: number;
  rtol: number;
}

/** The outcome of comparing one output array. */
export interface Comparison {
  name: string;
  ok: boolean;
  maxAbsDiff: number;
  /** The first few failing elements, as text. */
  mismatches: string[];
}

/**
 * Compares `actual` with `expected` within `tolerance`; NaN anywhere fails.
 *
 * @example
 * ```ts
 * compare("out", ref, got, { atol: 1e-5, rtol: 1e-4 }).ok;
 * ```
 */
export function compare(
  name: string, expected: ArrayLike<number>, actual: ArrayLike<number>, tolerance: Tolerance, maxListed = 5,
): Comparison {
  const mismatches: string[] = [];
  let maxAbsDiff = 0, failed = 0;
  if (expected.length !== actual.length) {
    return { name, ok: false, maxAbsDiff: Infinity, mismatches: [`length ${actual.length}, expected ${expected.length}`] };
  }
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i], a = actual[i];
    const diff = Math.abs(a - e);
    if (diff > maxAbsDiff || Number.isNaN(diff)) maxAbsDiff = Number.isNaN(diff) ? Infinity : diff;
    if (!(diff <= tolerance.atol + tolerance.rtol * Math.abs(e))) {
      failed++;
      if (mismatches.length < maxListed) mismatches.push(`[${i}] expected ${e}, got ${a} (diff ${diff.toExponential(2)})`);
    }
  }
  if (failed > maxListed) mismatches.push(`... ${failed - maxListed} more of ${expected.length}`);
  return { name, ok: failed === 0, maxAbsDiff, mismatches };
}

/** One line per comparison, followed by its mismatches when it failed. */
export function formatComparisons(comparisons: Comparison[]): string {
  return comparisons
    .map((c) =>
      `${c.ok ? "ok  " : "FAIL"} ${c.name} max|diff| ${c.maxAbsDiff.toExponential(2)}` +
      (c.ok ? "" : "\n" + c.mismatches.map((m) => `       ${m}`).join("\n"))
    )
    .join("\n");
}
