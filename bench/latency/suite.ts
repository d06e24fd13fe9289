/**
 * Tool latency sensitivity: the calculator rollout (teacher-forced engine, as in the rollout suite)
 * with a tool that sleeps 0, 10 or 100 ms before answering, in the async loop and the lock-step loop,
 * against the decode ceiling of the same batch. Lock-step runs a turn's calls one after another while
 * the model idles; the async loop generates for the ready episodes while others' tools sleep.
 */
import type { Tool } from "../../core/types.ts";
import { charTokenizer } from "../../core/tokenizer/mod.ts";
import { benchBackend, benchModel } from "../engine.ts";
import { formatTable, type SuiteOutput } from "../report.ts";
import { ceilingProbe, type LoopProbe, type LoopRow, loopProbe, measureRows, positionsFor, solverShape } from "../rollout/measure.ts";
import { loadBenchTask } from "../rollout/tasks.ts";
import type { SuiteContext } from "../suite_types.ts";

/** One latency in one mode. */
export interface LatencyRow extends LoopRow {
  /** What the tool sleeps per call (null for the ceiling). */
  toolSleepMs: number | null;
  /** Wall time of the lock-step row over this row's, at the same latency. */
  speedupOverLockstep: number;
}

/** The figures of bench/results/latency.json. */
export interface LatencyFigures {
  task: string;
  batch: number;
  sleepsMs: number[];
  rows: LatencyRow[];
}

const SLEEPS_MS = [0, 10, 100];

/** `tool`, sleeping `ms` (abortably) before each call. */
export function sleepy(tool: Tool, ms: number): Tool {
  return {
    ...tool,
    timeoutMs: tool.timeoutMs + ms,
    async run(args, context) {
      if (ms > 0) {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(resolve, ms);
          context.signal.addEventListener("abort", () => (clearTimeout(timer), reject(context.signal.reason)), { once: true });
        });
      }
      return await tool.run(args, context);
    },
  };
}

/** Runs the suite. */
export async function run(context: SuiteContext): Promise<SuiteOutput<LatencyFigures>> {
  const batch = context.quick ? 8 : 32;
  const counts = context.quick ? { iterations: 1, warmup: 1 } : { iterations: context.rounds ?? 3, warmup: 1 };
  const { backend, label, dispose } = await benchBackend(context.backend);
  const { task, close } = await loadBenchTask("calculator");
  const rows: LatencyRow[] = [];
  try {
    const samples = task.samples({ seed: 1, n: batch });
    const initModel = context.init ? await benchModel({ backend, init: context.init }) : null;
    const tokenizer = initModel?.tokenizer ?? charTokenizer();
    const shape = await solverShape({ task, format: "submit", tools: task.tools, samples }, tokenizer);
    const engine = initModel ?? await benchModel({ backend, maxSeqLen: positionsFor(shape.longest) });
    const base = { engine, task, format: "submit" as const, samples };
    const probes: LoopProbe[] = [ceilingProbe({ ...base, tools: task.tools }, Math.round(shape.tokensPerEpisode))];
    for (const ms of SLEEPS_MS) {
      const setup = { ...base, tools: task.tools.map((tool) => sleepy(tool, ms)) };
      probes.push(loopProbe(setup, "async", `tool sleep ${ms} ms`), loopProbe(setup, "lockstep", `tool sleep ${ms} ms`));
    }
    context.log(`latency: tools sleeping ${SLEEPS_MS.join(", ")} ms, ${batch} episodes, ${counts.iterations} rounds`);
    const measured = await measureRows(probes, counts);
    rows.push({ ...measured[0], toolSleepMs: null, speedupOverLockstep: NaN });
    SLEEPS_MS.forEach((ms, k) => {
      const [async, lockstep] = [measured[1 + 2 * k], measured[2 + 2 * k]];
      rows.push(
        { ...async, toolSleepMs: ms, speedupOverLockstep: lockstep.wallMs / async.wallMs },
        { ...lockstep, toolSleepMs: ms, speedupOverLockstep: 1 },
      );
    });
    engine.dispose();
  } finally {
    close();
    dispose();
  }
  const table = formatTable(
    ["tool sleep ms", "mode", "episodes/s", "tokens/s", "of ceiling", "gen share", "mean batch", "ms/rollout", "x lockstep"],
    rows.map((r) => [
      r.toolSleepMs === null ? "-" : String(r.toolSleepMs), r.mode, r.episodesPerSecond, r.tokensPerSecond, r.ofCeiling,
      r.generationShare, r.meanBatchSize, r.wallMs, r.speedupOverLockstep,
    ]),
    { digits: [0, 0, 1, 0, 2, 2, 1, 0, 2], leftColumns: 2 },
  );
  return { backend: label, figures: { task: "calculator", batch, sleepsMs: SLEEPS_MS, rows }, table };
}
