/**
 * `toolrl bench [suite...] [--quick]`: the benchmark runner of bench/run.ts (tables on stdout,
 * bench/results/<suite>.json per suite).
 */
import type { CliIO } from "../io.ts";
import { help, runBench } from "../../../bench/run.ts";

export { help };

/** Runs `toolrl bench`. */
export function run(argv: string[], io: CliIO): Promise<number> {
  return runBench(argv, io);
}
