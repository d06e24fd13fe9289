/**
 * Matmul GFLOP/s: TypeScript reference, wasm SIMD on 1 and 2 threads, NumPy (OpenBLAS) as the
 * near-peak yardstick in the same run. Prints a table and writes bench/results/kernels.json (or --out).
 *
 *   node --import tsx bench/kernels/matmul_bench.ts [--out FILE]
 *   deno run -A bench/kernels/matmul_bench.ts [--out FILE]
 */
import { mkdir, rename, writeFile } from "node:fs/promises";
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";
import { dirname } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { numpyYardstick } from "./numpy_node.ts";
import { formatTable, runMatmulBench } from "./suite.ts";
import { runSplitSweep, formatSweep } from "./split_sweep.ts";

const at = process.argv.indexOf("--out");
const out = at === -1 ? fileURLToPath(new URL("../results/kernels.json", import.meta.url)) : process.argv[at + 1];
// deno-lint-ignore no-explicit-any
const deno = (globalThis as any).Deno;

const report = await runMatmulBench({ yardstick: numpyYardstick });
console.log(formatTable(report));
const sweep = await runSplitSweep();
console.log("\n" + formatSweep(sweep));
const result = {
  ...report,
  machine: {
    cpu: cpus()[0]?.model ?? "unknown",
    processors: availableParallelism(),
    memoryGb: Math.round(totalmem() / 2 ** 30),
    loadAverage1m: loadavg()[0],
  },
  runtime: deno ? `deno ${deno.version.deno}` : `node ${process.version}`,
  date: new Date().toISOString(),
  splitSweep: sweep,
};
await mkdir(dirname(out), { recursive: true });
await writeFile(`${out}.tmp`, JSON.stringify(result, null, 2) + "\n");
await rename(`${out}.tmp`, out);
console.log(`wrote ${out}`);
