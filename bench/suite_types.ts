/** What a benchmark suite gets from the runner (suites.ts lists the suites; each suite imports this, not suites.ts). */
import type { BackendName } from "./engine.ts";

/** What a suite gets from the runner. */
export interface SuiteContext {
  /** A short run (seconds) with small shapes and batches, for smoke tests. */
  quick: boolean;
  /** The engine backend of the model-driven suites. */
  backend: BackendName;
  /** A checkpoint folder for the model-driven suites instead of random weights. */
  init?: string;
  /** Measured rounds of the suites that time configurations in interleaved rounds (rollout, latency); default 3. */
  rounds?: number;
  /** Set in a runner spawned by another runner: then it spawns nothing itself. */
  child: boolean;
  /** A progress line (to stderr). */
  log(line: string): void;
}
