/**
 * What every suite returns and every results file holds, and the fixed-width tables they print.
 */
import type { MachineInfo, RuntimeInfo } from "./host_node.ts";

/** What one suite measured: the backend it ran on, its figures and its table. */
export interface SuiteOutput<F = unknown> {
  /** The engine backend (or "n/a" for suites that use none). */
  backend: string;
  figures: F;
  /** The figures as a text table. */
  table: string;
  /** Caveats a reader needs (skipped yardsticks, shortened runs). */
  notes?: string[];
}

/** A results file, bench/results/<suite>.json. */
export interface BenchResult<F = unknown> extends SuiteOutput<F> {
  suite: string;
  /** The command that produced it. */
  command: string;
  date: string;
  quick: boolean;
  machine: MachineInfo;
  runtime: RuntimeInfo;
  /** Seconds the suite took, wall clock. */
  seconds: number;
}

/** A cell: text as is, numbers with `digits` decimals (NaN and missing as "-"). */
export type Cell = string | number | null | undefined;

/**
 * A fixed-width table: the first `leftColumns` columns padded right, the rest (numbers) padded left;
 * numbers get `digits` decimals (one count for every column, or one per column).
 *
 * @example
 * ```ts
 * formatTable(["task", "tokens/s"], [["calculator", 1234.5]], { digits: 0 }); // "task        tokens/s\n..."
 * ```
 */
export function formatTable(
  header: string[], rows: Cell[][], options: { digits?: number | number[]; leftColumns?: number } = {},
): string {
  const { digits = 2, leftColumns = 1 } = options;
  const decimals = (column: number) => (Array.isArray(digits) ? digits[column] ?? 2 : digits);
  const text = (cell: Cell, column: number) =>
    typeof cell === "number" ? (Number.isFinite(cell) ? cell.toFixed(decimals(column)) : "-") : cell == null ? "-" : cell;
  const cells = rows.map((row) => row.map(text));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => (row[i] ?? "").length)));
  const line = (row: string[]) =>
    row.map((cell, i) => (i < leftColumns ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map(line)].join("\n");
}
