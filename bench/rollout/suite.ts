/**
 * Rollout throughput on the calculator, wiki and python-math tasks with the built-in tiny model, under
 * teacher forcing (forced_policy.ts): per task, the async loop (with the engine's prefix cache and
 * without it), the lock-step loop (TRL's TextEnvironment as a mode of the same loop), the decode
 * ceiling and the work ceiling (the rollout's own engine work, with tools that answer at once), all at
 * the same batch (every episode of the rollout), plus the reference solver alone. The runner then spawns
 * the other runtime to run this same suite, so the results hold a Node row and a Deno row of every figure.
 */
import { charTokenizer } from "../../core/tokenizer/mod.ts";
import type { FormatName, Tokenizer } from "../../core/types.ts";
import { benchBackend, benchModel } from "../engine.ts";
import { otherRuntime, readJson, runtime, spawnScript, temporaryDir } from "../host_node.ts";
import { type BenchResult, formatTable, type SuiteOutput } from "../report.ts";
import type { SuiteContext } from "../suite_types.ts";
import {
  ceilingProbe, type LoopRow, loopProbe, measureRows, positionsFor, recordTools, toolsOnlyProbe, workCeilingProbe,
} from "./measure.ts";
import { loadBenchTask, ROLLOUT_TASKS } from "./tasks.ts";

/** A row of the rollout table. */
export interface RolloutRow extends LoopRow {
  runtime: string;
  task: string;
}

/** The figures of bench/results/rollout.json. */
export interface RolloutFigures {
  format: FormatName;
  /** Episodes per rollout; every `generate` call may batch all of them. */
  batch: number;
  iterations: number;
  warmup: number;
  /** How the model's turns were produced. */
  policy: string;
  rows: RolloutRow[];
}

const FORMAT: FormatName = "submit";

/** Runs the suite here, then (unless this runner is a child) under the other runtime. */
export async function run(context: SuiteContext): Promise<SuiteOutput<RolloutFigures>> {
  const batch = context.quick ? 8 : 32;
  const counts = context.quick ? { iterations: 1, warmup: 0 } : { iterations: context.rounds ?? 3, warmup: 1 };
  const { backend, label, dispose } = await benchBackend(context.backend);
  const here = `${runtime.name} ${runtime.version}`;
  const rows: RolloutRow[] = [];
  const notes: string[] = [];
  try {
    const initModel = context.init ? await benchModel({ backend, init: context.init }) : null;
    const tokenizer: Tokenizer = initModel?.tokenizer ?? charTokenizer();
    for (const name of ROLLOUT_TASKS) {
      const { task, close } = await loadBenchTask(name);
      try {
        const samples = task.samples({ seed: 1, n: batch });
        // one solver rollout: the episodes' shape, and the tools' answers for the work ceiling
        const { tools: replayed, shape } = await recordTools({ task, format: FORMAT, tools: task.tools, samples }, tokenizer);
        context.log(`rollout: ${name} on ${here}, ${batch} episodes of about ${Math.round(shape.tokensPerEpisode)} model tokens`);
        const engine = initModel ?? await benchModel({ backend, maxSeqLen: positionsFor(shape.longest) });
        const setup = { engine, task, format: FORMAT, tools: task.tools, samples };
        const taskRows = await measureRows([
          ceilingProbe(setup, Math.round(shape.tokensPerEpisode)),
          workCeilingProbe(setup, replayed),
          loopProbe(setup, "async"),
          loopProbe(setup, "async", "", { prefixCache: false }),
          loopProbe(setup, "lockstep"),
          toolsOnlyProbe(setup),
        ], counts);
        for (const row of taskRows) rows.push({ runtime: here, task: name, ...row });
        if (taskRows.some((row) => row.computedShare < 1)) {
          notes.push(`${name}: some contexts outgrew the model, so the engine computed fewer tokens than it was forced to write`);
        }
        if (engine !== initModel) engine.dispose();
      } finally {
        close();
      }
    }
    initModel?.dispose();
  } finally {
    dispose();
  }
  if (!context.child) {
    const other = await runElsewhere(context);
    if (Array.isArray(other)) {
      rows.push(...other);
      notes.push(`the ${otherRuntime()} rows come from the same suite run as a child under ${otherRuntime()}, after these`);
    } else notes.push(other);
  }
  const figures: RolloutFigures = {
    format: FORMAT,
    batch,
    ...counts,
    policy: "engine generates each turn feeding the reference solver's tokens (teacher forcing, forceTokens); prefix cache cleared before every run",
    rows,
  };
  return { backend: label, figures, table: rolloutTable(rows), notes };
}

/** The same suite under the other runtime: its rows, or why there are none. */
async function runElsewhere(context: SuiteContext): Promise<RolloutRow[] | string> {
  const target = otherRuntime();
  context.log(`rollout: spawning the same suite under ${target}`);
  const dir = await temporaryDir("toolrl-bench-");
  try {
    const args = ["rollout", "--child", "--out-dir", dir.path, "--backend", context.backend];
    if (context.quick) args.push("--quick");
    if (context.init) args.push("--init", context.init);
    if (context.rounds) args.push("--rounds", String(context.rounds));
    const result = await spawnScript(target, "bench/main.ts", args);
    if (result.code !== 0) {
      const tail = result.stderr.trim().split("\n").slice(-3).join(" | ");
      return `no ${target} rows: the ${target} runner exited ${result.code} (${tail})`;
    }
    const child = (await readJson(`${dir.path}/rollout.json`)) as BenchResult<RolloutFigures>;
    return child.figures.rows;
  } finally {
    await dir.remove();
  }
}

/** The rows as a table: one line per runtime, task and mode. */
export function rolloutTable(rows: RolloutRow[]): string {
  const header = [
    "runtime", "task", "mode", "episodes/s", "tokens/s", "calls/s", "gen share", "mean batch", "step batch", "of ceiling", "of work",
    "ms/rollout", "reward", "cache hit", "cache MiB",
  ];
  const cells = rows.map((r) => [
    r.runtime, r.task, r.mode, r.episodesPerSecond, r.tokensPerSecond, r.toolCallsPerSecond,
    // the other runtime's rows come through JSON, where NaN became null
    r.generationShare, r.meanBatchSize, r.prefixCache.stepBatch ?? NaN, r.ofCeiling ?? NaN, r.ofWork ?? NaN, r.wallMs, r.rewardMean,
    // the other runtime's rows come through JSON, where NaN (no cache) became null
    r.prefixCache.hitRate ?? NaN, (r.prefixCache.bytes ?? NaN) / 2 ** 20,
  ]);
  return formatTable(header, cells, { digits: [0, 0, 0, 1, 0, 1, 2, 1, 1, 2, 2, 0, 2, 2, 1], leftColumns: 3 });
}
