/**
 * Load test of the tool server on loopback against a bare hono handler: the `server` suite of the
 * benchmark runner (bench/run.ts, `toolrl bench server`), 16 clients, 3 s per target. Prints the table,
 * writes bench/results/server.json, and exits 1 if any answer was a 5xx.
 *
 *   node --import tsx bench/server/server_bench.ts [--quick] [--out-dir DIR]
 *   deno run -A bench/server/server_bench.ts [--quick] [--out-dir DIR]
 */
import { processArgs, setExitCode, streams } from "../host_node.ts";
import { runBench } from "../run.ts";

setExitCode(await runBench(["server", ...processArgs()], streams));
