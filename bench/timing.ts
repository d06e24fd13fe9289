/**
 * Timing through tinybench, in two shapes: `timeRuns` measures one function a fixed number of times
 * (kernels, decode), and `timeRounds` measures several functions in interleaved rounds — one tinybench
 * run of every function per round — so that when other work on a shared machine speeds up or slows
 * down, every compared configuration sees the same drift. Both return the median and mean time and what
 * each measured run returned (counts, metrics), so suites turn a median time into rates.
 */
import { Bench } from "tinybench";

/** How often to run: measured runs (or rounds) and unmeasured warm-up runs before them. */
export interface RunCounts {
  iterations: number;
  warmup: number;
}

/** Median and mean milliseconds per run, and the values the measured runs returned. */
export interface Timed<T> {
  p50Ms: number;
  meanMs: number;
  runs: number;
  /** Milliseconds of each measured run (each round's, for `timeRounds`), in order. */
  samplesMs: number[];
  values: T[];
}

/**
 * Runs `fn` `warmup` times unmeasured, then `iterations` times measured.
 *
 * @example
 * ```ts
 * const { p50Ms, values } = await timeRuns("decode", () => model.generate(contexts, options), { iterations: 3, warmup: 1 });
 * ```
 */
export async function timeRuns<T>(name: string, fn: () => Promise<T> | T, counts: RunCounts): Promise<Timed<T>> {
  const values: T[] = [];
  const bench = new Bench({
    iterations: counts.iterations,
    time: 0,
    warmup: counts.warmup > 0,
    warmupIterations: counts.warmup,
    warmupTime: 0,
    throws: true,
  });
  const ms: number[] = [];
  bench.add(name, async () => {
    const started = performance.now();
    values.push(await fn());
    ms.push(performance.now() - started);
  });
  await bench.run();
  const { result } = bench.tasks[0];
  if (!("latency" in result)) throw new Error(`${name} did not finish (state ${result.state})`);
  const runs = result.latency.samplesCount;
  const samplesMs = ms.slice(ms.length - runs);
  return { p50Ms: result.latency.p50, meanMs: result.latency.mean, runs, samplesMs, values: values.slice(values.length - runs) };
}

/** A function to measure among others. */
export interface Probe<T> {
  name: string;
  fn(): Promise<T>;
}

/**
 * Runs every probe `warmup` times unmeasured, then `iterations` rounds of one measured run of each probe
 * in turn; returns one `Timed` per probe, in order.
 *
 * @example
 * ```ts
 * const [ceiling, loop] = await timeRounds([{ name: "ceiling", fn: decode }, { name: "async", fn: roll }], { iterations: 3, warmup: 1 });
 * ```
 */
export async function timeRounds<T>(probes: readonly Probe<T>[], counts: RunCounts): Promise<Timed<T>[]> {
  for (let i = 0; i < counts.warmup; i++) for (const probe of probes) await probe.fn();
  const samples = probes.map(() => [] as number[]);
  const values = probes.map(() => [] as T[]);
  for (let round = 0; round < counts.iterations; round++) {
    const bench = new Bench({ iterations: 1, time: 0, warmup: false, throws: true });
    probes.forEach((probe, k) => bench.add(probe.name, async () => void values[k].push(await probe.fn())));
    await bench.run();
    bench.tasks.forEach((task, k) => {
      const { result } = task;
      if (!("latency" in result)) throw new Error(`${task.name} did not finish (state ${result.state})`);
      samples[k].push(result.latency.mean);
    });
  }
  return probes.map((_, k) => ({
    p50Ms: median(samples[k]),
    meanMs: samples[k].reduce((a, b) => a + b, 0) / samples[k].length,
    runs: samples[k].length,
    samplesMs: samples[k],
    values: values[k],
  }));
}

/** The median of `values` (NaN when empty). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
