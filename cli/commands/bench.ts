/**
 * `toolrl bench [suite...] [--quick] [--save]`: the benchmark runner of bench/run.ts (tables on stdout;
 * with --save, bench/results/<suite>.json per suite). bench/ is not part of the library: it is loaded by path from a
 * checkout of the repository, so the published package neither imports nor ships it.
 */
import type { CliIO } from "../io.ts";

/** What bench/run.ts offers the CLI. */
interface BenchModule {
  help: string;
  runBench(argv: string[], io: CliIO): Promise<number>;
}

const benchPath = new URL("../../bench/run.ts", import.meta.url).href;
let bench: BenchModule;
try {
  bench = await import(benchPath);
} catch (error) {
  throw new Error(`the benchmarks live in bench/ of a checkout of the toolrl repository (${benchPath} could not be loaded: ${(error as Error).message})`);
}

export const help = bench.help;

/** Runs `toolrl bench`. */
export function run(argv: string[], io: CliIO): Promise<number> {
  return bench.runBench(argv, io);
}
