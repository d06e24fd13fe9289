/**
 * The measurements the rollout and latency suites share: one task's rollout loop in a mode, driven by
 * the engine under teacher forcing (forced_policy.ts), the same rollout with the reference solver
 * alone (tools without a model), and the ceiling — the engine decoding the same batch with no tools.
 *
 * The configurations of one table are measured in interleaved rounds (timing.ts), so drifting load on
 * a shared machine hits them alike. Figures per row: wall time per rollout (median of the rounds),
 * episodes, generated tokens and tool calls per second over that time, the share of it spent inside
 * `generate`, the mean batch of the `generate` calls, tokens/s as a fraction of the ceiling, and the
 * engine's prefix cache (cleared before every run, as new weights would: a cold start each rollout).
 */
import { solverPolicy } from "../../core/policy/solver.ts";
import { rollout, type RolloutResult } from "../../core/rollout/rollout.ts";
import type { FormatName, Policy, Sample, Task, Tool, ToolReturn } from "../../core/types.ts";
import type { EngineModel } from "../../trainer/engine/model/model.ts";
import { median, type Probe, type RunCounts, type Timed, timeRounds } from "../timing.ts";
import { forcedPolicy } from "./forced_policy.ts";

/** Which loop a row measured: the rollout in one of its modes, the solver alone, or bare decoding. */
export type RowMode = "async" | "async, no prefix cache" | "lockstep" | "tools only" | "decode ceiling" | "work ceiling";

/** One measured configuration. */
export interface LoopRow {
  mode: RowMode;
  episodes: number;
  runs: number;
  wallMs: number;
  episodesPerSecond: number;
  tokensPerSecond: number;
  toolCallsPerSecond: number;
  /** Share of the wall time with a `policy.generate` call in flight (1 for the ceiling, NaN for the solver alone). */
  generationShare: number;
  /** Contexts per `generate` call (1 when the loop calls per episode and the engine batches per step). */
  meanBatchSize: number;
  /** tokens/s over the decode ceiling's tokens/s, paired by round (filled in by {@link measureRows}). */
  ofCeiling: number;
  /** tokens/s over the work ceiling's tokens/s, paired by round (NaN when the probes have none). */
  ofWork: number;
  /** Mean reward: 1 when every forced episode made its calls and answered right. */
  rewardMean: number;
  /** Tokens the engine computed over the tokens it was forced to write (1 unless contexts outgrew the model). */
  computedShare: number;
  /** The engine's prefix cache over the last run (NaN without the engine). */
  prefixCache: PrefixCacheFigures;
}

/** What the prefix cache did in one run. */
export interface PrefixCacheFigures {
  /** Context positions reused from the cache over all context positions of the run's `generate` calls. */
  hitRate: number;
  /** Bytes of keys and values the cache held at the end of the run (within its budget). */
  bytes: number;
  /** Bytes of the cache's tensors at the end of the run. */
  allocatedBytes: number;
  budgetBytes: number;
  /** Rows per forward pass of the engine's step batcher (decode rows plus rows joining with their new tokens). */
  stepBatch: number;
  /** Milliseconds of the run in the cache's lookups, in growing the cache and copying prefixes, and in forward passes. */
  lookupMs: number;
  copyMs: number;
  forwardMs: number;
}

const NO_CACHE: PrefixCacheFigures = {
  hitRate: NaN, bytes: NaN, allocatedBytes: NaN, budgetBytes: NaN, stepBatch: NaN, lookupMs: NaN, copyMs: NaN, forwardMs: NaN,
};

/**
 * Wraps `fn` so each run starts with an empty prefix cache (or none, with `off`) and leaves its figures in
 * `sink.figures`.
 */
function coldCache<R>(
  engine: EngineModel, fn: () => Promise<R>, sink: { figures: PrefixCacheFigures }, off = false,
): () => Promise<R> {
  return async () => {
    if (off) {
      const { budgetBytes } = engine.prefixCache.stats();
      await engine.prefixCache.setBudget(0);
      try {
        return await fn();
      } finally {
        await engine.prefixCache.setBudget(budgetBytes);
      }
    }
    engine.prefixCache.clear();
    const before = engine.prefixCache.stats();
    const result = await fn();
    const after = engine.prefixCache.stats();
    const reused = after.reusedTokens - before.reusedTokens;
    const seen = reused + after.prefilledTokens - before.prefilledTokens;
    const steps = after.steps - before.steps;
    sink.figures = {
      hitRate: seen > 0 ? reused / seen : 0,
      bytes: after.bytes,
      allocatedBytes: after.allocatedBytes,
      budgetBytes: after.budgetBytes,
      stepBatch: steps > 0 ? (after.stepRows - before.stepRows) / steps : NaN,
      lookupMs: after.lookupMs - before.lookupMs,
      copyMs: after.copyMs - before.copyMs,
      forwardMs: after.forwardMs - before.forwardMs,
    };
    return result;
  };
}

/** What a loop measurement needs. */
export interface LoopSetup {
  engine: EngineModel;
  task: Task;
  format: FormatName;
  /** The task's tools, or wrapped ones (the latency suite adds a sleep). */
  tools: Tool[];
  samples: Sample[];
}

/** Something to time, and how its timing becomes a row. */
export interface LoopProbe {
  probe: Probe<unknown>;
  row(timed: Timed<unknown>): LoopRow;
}

function items(setup: Pick<LoopSetup, "task" | "format" | "samples">) {
  return setup.samples.map((sample) => ({ prompt: setup.task.prompt(sample, setup.format), sample }));
}

function rowFrom(mode: RowMode, timed: Timed<RolloutResult>, computedShare: number, prefixCache = NO_CACHE): LoopRow {
  const last = timed.values[timed.values.length - 1];
  const { episodes, generatedTokens, toolCalls } = last.metrics;
  const perSecond = (n: number) => n / (timed.p50Ms / 1000);
  return {
    mode,
    episodes,
    runs: timed.runs,
    wallMs: timed.p50Ms,
    episodesPerSecond: perSecond(episodes),
    tokensPerSecond: perSecond(generatedTokens),
    toolCallsPerSecond: perSecond(toolCalls),
    generationShare: median(timed.values.map((r) => r.metrics.generationShare)),
    meanBatchSize: median(timed.values.map((r) => r.metrics.meanBatchSize)),
    ofCeiling: NaN,
    ofWork: NaN,
    rewardMean: last.episodes.reduce((sum, e) => sum + (e.reward ?? 0), 0) / Math.max(1, episodes),
    computedShare,
    prefixCache,
  };
}

function rolloutFn(name: string, setup: LoopSetup, policy: Policy, mode: "async" | "lockstep") {
  const { task, format, tools, engine } = setup;
  const list = items(setup);
  return async () => {
    const result = await rollout({ policy, tokenizer: engine.tokenizer, format, tools, items: list, limits: task.limits, verifier: task.verifier, mode });
    if (result.errors.length > 0) throw new Error(`${name}: the rollout reported errors: ${result.errors[0].message}`);
    return result;
  };
}

/**
 * The rollout loop in `mode` with the engine forced to write the reference solver's turns; `label`
 * tells apart probes of the same task and mode; `prefixCache: false` runs it with the engine's prefix
 * cache off (every turn prefills its whole context, as before the cache).
 *
 * @example
 * ```ts
 * const rows = await measureRows([loopProbe(setup, "async"), loopProbe(setup, "lockstep")], { iterations: 3, warmup: 1 });
 * ```
 */
export function loopProbe(
  setup: LoopSetup, mode: "async" | "lockstep", label = "", options: { prefixCache?: boolean } = {},
): LoopProbe {
  const off = options.prefixCache === false;
  const rowMode: RowMode = off && mode === "async" ? "async, no prefix cache" : mode;
  const name = `${setup.task.name} ${mode}${off ? ", no prefix cache" : ""}${label ? `, ${label}` : ""}`;
  const policy = forcedPolicy(setup.engine, solverPolicy(setup.task, setup.format, setup.engine.tokenizer, setup.samples));
  const cache = { figures: NO_CACHE };
  return {
    probe: { name, fn: coldCache(setup.engine, rolloutFn(name, setup, policy, mode), cache, off) },
    row: (timed) =>
      rowFrom(rowMode, timed as Timed<RolloutResult>, policy.stats.computedTokens / Math.max(1, policy.stats.forcedTokens), cache.figures),
  };
}

/** The same rollout with the reference solver as the policy: what the tools and the loop cost without a model. */
export function toolsOnlyProbe(setup: LoopSetup): LoopProbe {
  const name = `${setup.task.name} tools only`;
  const policy = solverPolicy(setup.task, setup.format, setup.engine.tokenizer, setup.samples);
  return {
    probe: { name, fn: rolloutFn(name, setup, policy, "async") },
    row: (timed) => ({ ...rowFrom("tools only", timed as Timed<RolloutResult>, NaN), generationShare: NaN }),
  };
}

/**
 * The tools of `setup` recorded once on the reference solver's rollout, then answered from the record:
 * every call gets what the real tool returned for the same arguments, at once; with the shape of that
 * rollout (see {@link solverShape}), so a suite needs one solver rollout for both. Throws if a tool gave
 * two different answers to the same arguments (a replay would then change the episodes).
 */
export async function recordTools(
  setup: Omit<LoopSetup, "engine">, tokenizer: EngineModel["tokenizer"],
): Promise<{ tools: Tool[]; shape: SolverShape }> {
  // what the tool returned, or the error it threw (the loop shows its message to the model)
  type Answer = { value: ToolReturn } | { thrown: unknown };
  const record = new Map<string, Answer>();
  const key = (tool: Tool, args: unknown) => `${tool.name}\u0000${JSON.stringify(args)}`;
  const text = (a: Answer) => "value" in a ? JSON.stringify(a.value) : `thrown ${String(a.thrown)}`;
  const same = (a: Answer, b: Answer) => text(a) === text(b);
  let drifted: string | null = null; // the loop turns a tool's throw into the episode's tool error, so keep it here
  const recording = setup.tools.map((tool): Tool => ({
    ...tool,
    run: async (args, context) => {
      let answer: Answer;
      try {
        answer = { value: await tool.run(args, context) };
      } catch (error) {
        answer = { thrown: error };
      }
      const k = key(tool, args);
      const earlier = record.get(k);
      if (earlier !== undefined && !same(earlier, answer)) drifted ??= tool.name;
      record.set(k, answer);
      if ("thrown" in answer) throw answer.thrown;
      return answer.value;
    },
  }));
  const result = await solverRollout(setup, tokenizer, recording);
  if (result.errors.length > 0) throw new Error(`replayTools: the recording rollout reported errors: ${result.errors[0].message}`);
  if (drifted) throw new Error(`replayTools: ${drifted} answered the same arguments twice differently; it cannot be replayed`);
  const tools = setup.tools.map((tool): Tool => ({
    ...tool,
    run: (args) => {
      const answer = record.get(key(tool, args));
      if (answer === undefined) throw new Error(`replayTools: no recorded answer of ${tool.name} for ${JSON.stringify(args)}`);
      if ("thrown" in answer) throw answer.thrown;
      return answer.value;
    },
  }));
  return { tools, shape: shapeOf(result) };
}

/** The tools of {@link recordTools} alone. */
export async function replayTools(setup: Omit<LoopSetup, "engine">, tokenizer: EngineModel["tokenizer"]): Promise<Tool[]> {
  return (await recordTools(setup, tokenizer)).tools;
}

/**
 * The work ceiling: the engine doing the rollout's own work — prefill of the prompts and of the tools'
 * answers, decoding of the model's turns — at the best batching (every episode's turn in one call, as
 * lock-step does) with `tools` that answer at once (see {@link replayTools}): what is left when the
 * tools and the loop's waiting cost nothing. Rows relate to it through `ofWork`.
 */
export function workCeilingProbe(setup: LoopSetup, tools: Tool[]): LoopProbe {
  const inner = loopProbe({ ...setup, tools }, "lockstep", "tools replayed");
  return {
    probe: { ...inner.probe, name: `${setup.task.name} work ceiling` },
    row: (timed) => ({ ...inner.row(timed), mode: "work ceiling" }),
  };
}

/**
 * The ceiling: the engine decoding `tokensPerContext` tokens for every prompt of the batch at once,
 * with no stop and no tools.
 */
export function ceilingProbe(setup: LoopSetup, tokensPerContext: number): LoopProbe {
  const { engine } = setup;
  const contexts = items(setup).map((item) => engine.tokenizer.encode(item.prompt));
  const cache = { figures: NO_CACHE };
  const fn = coldCache(engine, async () => {
    const generations = await engine.generate(contexts, { maxNewTokens: tokensPerContext, stopTokens: [] });
    return generations.reduce((sum, g) => sum + g.tokens.length, 0);
  }, cache);
  return {
    probe: { name: `${setup.task.name} ceiling`, fn },
    row: (timed) => {
      const tokens = timed.values[timed.values.length - 1] as number;
      return {
        mode: "decode ceiling",
        episodes: contexts.length,
        runs: timed.runs,
        wallMs: timed.p50Ms,
        episodesPerSecond: NaN,
        tokensPerSecond: tokens / (timed.p50Ms / 1000),
        toolCallsPerSecond: NaN,
        generationShare: 1,
        meanBatchSize: contexts.length,
        ofCeiling: NaN,
        ofWork: NaN,
        rewardMean: NaN,
        computedShare: tokens / (tokensPerContext * contexts.length),
        prefixCache: cache.figures,
      };
    },
  };
}

/**
 * Times the probes in interleaved rounds and returns their rows, each related to the ceiling among them:
 * `ofCeiling` is the median over rounds of the row's tokens/s over the ceiling's in the same round, so a
 * round slowed by other work on the machine slows both sides of its ratio.
 */
export async function measureRows(probes: LoopProbe[], counts: RunCounts): Promise<LoopRow[]> {
  const timed = await timeRounds(probes.map((p) => p.probe), counts);
  const rows = probes.map((p, k) => p.row(timed[k]));
  const c = rows.findIndex((row) => row.mode === "decode ceiling");
  const w = rows.findIndex((row) => row.mode === "work ceiling");
  // tokens per run are the same in every run (forced turns, fixed decode length)
  const tokens = (r: LoopRow) => r.tokensPerSecond * r.wallMs;
  rows.forEach((row, k) => {
    if (row.mode === "tools only") return;
    if (c >= 0) row.ofCeiling = pairedRatio(timed[c].samplesMs, timed[k].samplesMs, tokens(row) / tokens(rows[c]));
    if (w >= 0) row.ofWork = pairedRatio(timed[w].samplesMs, timed[k].samplesMs, tokens(row) / tokens(rows[w]));
  });
  return rows;
}

/** The median over rounds of `scale` × ceilingMs / rowMs (a row's rate over the ceiling's, round by round). */
export function pairedRatio(ceilingMs: readonly number[], rowMs: readonly number[], scale: number): number {
  return median(rowMs.map((ms, round) => (scale * ceilingMs[round]) / ms));
}

/** Positions for a random model that holds episodes of `longest` tokens: a little room, in steps of 64. */
export function positionsFor(longest: number): number {
  return Math.ceil((longest + 8) / 64) * 64;
}

/** A solver rollout's longest episode in tokens and the mean tokens the model writes per episode. */
export interface SolverShape {
  longest: number;
  tokensPerEpisode: number;
}

function shapeOf(result: RolloutResult): SolverShape {
  const longest = Math.max(...result.episodes.map((episode) => episode.tokens().length));
  return { longest, tokensPerEpisode: result.metrics.generatedTokens / Math.max(1, result.metrics.episodes) };
}

function solverRollout(setup: Omit<LoopSetup, "engine">, tokenizer: EngineModel["tokenizer"], tools: Tool[]): Promise<RolloutResult> {
  const { task, format } = setup;
  return rollout({
    policy: solverPolicy(task, format, tokenizer, setup.samples),
    tokenizer, format, tools, items: items(setup), limits: task.limits, verifier: task.verifier,
  });
}

/**
 * Rolls the samples out once with the reference solver (this also starts tool workers such as Pyodide)
 * and returns its shape.
 */
export async function solverShape(setup: Omit<LoopSetup, "engine">, tokenizer: EngineModel["tokenizer"]): Promise<SolverShape> {
  return shapeOf(await solverRollout(setup, tokenizer, setup.tools));
}
