/**
 * The built-in tasks the rollout benchmarks run, loaded by name, with a way to stop their tools'
 * background workers (the python tool's Pyodide interpreters) when a suite is done.
 */
import type { Task } from "../../core/types.ts";

/** The tasks of the rollout suite, in table order. */
export const ROLLOUT_TASKS = ["calculator", "wiki", "python-math"] as const;
export type RolloutTaskName = (typeof ROLLOUT_TASKS)[number];

/** A loaded task and how to release its tools. */
export interface BenchTask {
  task: Task;
  /** Stops tool workers (a no-op for tools without any). */
  close(): void;
}

const loaders: Record<RolloutTaskName, () => Promise<Task>> = {
  calculator: async () => (await import("../../plugins/calculator/mod.ts")).calculator().tasks[0],
  wiki: async () => (await import("../../plugins/wiki/mod.ts")).wiki().tasks[0],
  // The solver's code is trusted, so its runs share an interpreter (the fast path; a fresh interpreter per episode
  // costs seconds each on this machine), on two workers so that calls overlap.
  "python-math": async () => (await import("../../plugins/python/mod.ts")).python({ shareInterpreter: true, workers: 2 }).tasks[0],
};

/**
 * Loads the task called `name`; throws naming the choices when there is none.
 *
 * @example
 * ```ts
 * const { task, close } = await loadBenchTask("python-math");
 * ```
 */
export async function loadBenchTask(name: string): Promise<BenchTask> {
  const load = loaders[name as RolloutTaskName];
  if (!load) throw new Error(`unknown rollout task "${name}"; use one of ${ROLLOUT_TASKS.join(", ")}`);
  const task = await load();
  const closable = task.tools.filter((tool): tool is typeof tool & { close(): void } =>
    typeof (tool as { close?: unknown }).close === "function"
  );
  return { task, close: () => closable.forEach((tool) => tool.close()) };
}
