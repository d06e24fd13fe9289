/**
 * The server suite of the runner: bench/server's load test of the tool server on loopback (the
 * calculator route and its MCP twin) against a bare hono handler, 16 clients, 3 s per target
 * (0.3 s with `--quick`). Any 5xx answer fails the suite.
 */
import { formatTable, runServerBench, type ServerBenchReport } from "./server/suite.ts";
import type { SuiteOutput } from "./report.ts";
import type { SuiteContext } from "./suite_types.ts";

/** Runs the suite. */
export async function run(context: SuiteContext): Promise<SuiteOutput<ServerBenchReport>> {
  const seconds = context.quick ? 0.3 : 3;
  context.log(`server: 16 clients, ${seconds} s per target`);
  const report = await runServerBench({ clients: 16, seconds });
  if (report.serverErrors > 0) {
    throw new Error(`the tool server answered ${report.serverErrors} requests with a 5xx; it must answer every request`);
  }
  return { backend: "n/a", figures: report, table: formatTable(report) };
}
