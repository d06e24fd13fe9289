/**
 * Entry of the benchmark runner for either runtime (the runner spawns it under the other one):
 *
 *   node --import tsx bench/main.ts [suite...] [--quick]
 *   deno run -A bench/main.ts [suite...] [--quick]
 */
import { processArgs, setExitCode, streams } from "./host_node.ts";
import { help, runBench } from "./run.ts";

const argv = processArgs();
if (argv.includes("--help") || argv.includes("-h")) {
  streams.stdout(help + "\n");
} else {
  try {
    setExitCode(await runBench(argv, streams));
  } catch (error) {
    streams.stderr(`bench: ${(error as Error).message}\n`);
    setExitCode(2);
  }
}
