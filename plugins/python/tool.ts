/**
 * The `python` tool: runs the model's code in Pyodide (see `runner.ts`) and returns what it printed,
 * the `repr` of a final expression, and the exception text if it failed, as one short text.
 * Each episode has an interpreter of its own, kept across its calls and thrown away in `release(episodeId)`;
 * a call without an episode runs in a fresh interpreter (`shareInterpreter` trades this isolation for speed).
 */
import * as v from "valibot";
import { defineTool } from "../../core/plugin/define_tool.ts";
import type { Tool } from "../../core/types.ts";
import { createPythonRunner, type PythonRunner, type PythonRunnerOptions, type RunOutcome } from "./runner.ts";

/** Options of {@link pythonTool}. */
export interface PythonToolOptions extends PythonRunnerOptions {
  /** Wall-clock limit of one run in milliseconds (default 5000); the call's own limit adds `startTimeoutMs`. */
  timeoutMs?: number;
  /** Interpreters (workers) to spread episodes over (default 1). */
  workers?: number;
  /** Show the `repr` of a final expression, as the REPL does (default true). */
  lastExpression?: boolean;
  /** Tool name the model calls (default "python"). */
  name?: string;
  /** Episodes whose variables are kept at once, each in an interpreter of its own of ~60 MB (default 16); the idlest is dropped past it. */
  maxEpisodes?: number;
  /** An episode unused this long (ms, default 10 minutes) is dropped, as if released: a server's clients may never release. */
  episodeIdleMs?: number;
}

/** The python tool's arguments. */
export interface PythonArgs {
  code: string;
}

/** The python tool, with control over its interpreters. */
export interface PythonTool extends Tool<PythonArgs> {
  /** Starts every interpreter now instead of on first use. */
  warm(): Promise<void>;
  /** Terminates every interpreter (a later call starts fresh ones). */
  close(): void;
  /** The interpreters, for their statistics. */
  readonly runners: readonly PythonRunner[];
  /** Episodes whose state is kept now (bounded by `maxEpisodes`; idle ones expire). */
  episodes(): number;
}

const parameters = v.object({
  code: v.pipe(v.string(), v.maxLength(20_000), v.description("Python source to run; print what you need to see.")),
});

/** A run that raised or exited non-zero; its message is everything the run printed, the traceback last. */
export class PythonError extends Error {
  override name = "PythonError";
}

/** Renders one run as the text the model reads; "(no output)" when there is nothing to show. */
export function formatOutcome(outcome: RunOutcome, timeoutMs: number): string {
  const exited = outcome.exitCode !== null && outcome.exitCode !== 0 ? `SystemExit: exit code ${outcome.exitCode}` : "";
  const parts = [outcome.stdout.trimEnd(), outcome.value ?? "", outcome.stderr.trimEnd(), outcome.error ?? "", exited];
  if (outcome.timedOut) {
    parts.push(`TimeoutError: the code ran longer than ${timeoutMs} ms and was stopped` +
      (outcome.restarted ? "; the interpreter was restarted and earlier variables are lost" : ""));
  }
  const text = parts.filter((part) => part !== "").join("\n");
  return text === "" ? "(no output)" : text;
}

/**
 * The python tool.
 *
 * @example
 * ```ts
 * const py = pythonTool({ timeoutMs: 2000 });
 * (await invokeTool(py, { code: "print(3 * 12 + 4)" })).text; // "40"
 * ```
 */
export function pythonTool(options: PythonToolOptions = {}): PythonTool {
  const {
    timeoutMs = 5000,
    workers = 1,
    lastExpression = true,
    name = "python",
    startTimeoutMs = 60_000,
    maxEpisodes = 16,
    episodeIdleMs = 600_000,
    ...runnerOptions
  } = options;
  if (!Number.isInteger(workers) || workers < 1) throw new Error(`pythonTool: workers ${workers} must be a positive integer.`);
  if (!(timeoutMs > 0)) throw new Error(`pythonTool: timeoutMs ${timeoutMs} must be a positive number of milliseconds.`);
  const runners = Array.from({ length: workers }, () => createPythonRunner({ ...runnerOptions, startTimeoutMs, maxEpisodes }));
  // episode -> its interpreter, in least-recently-used order (a Map keeps insertion order; a use re-inserts)
  const assigned = new Map<string, { runner: PythonRunner; usedAt: number }>();
  let turn = 0;
  const forget = (episodeId: string) => {
    assigned.get(episodeId)?.runner.drop(episodeId);
    assigned.delete(episodeId);
  };
  const pick = (episodeId: string): PythonRunner => {
    const now = Date.now();
    for (const [id, entry] of assigned) {
      if (assigned.size < maxEpisodes && now - entry.usedAt < episodeIdleMs) break;
      if (id !== episodeId) forget(id);
    }
    const known = assigned.get(episodeId);
    const runner = known?.runner ?? runners[turn++ % runners.length];
    if (episodeId !== "") {
      assigned.delete(episodeId);
      assigned.set(episodeId, { runner, usedAt: now });
    }
    return runner;
  };
  const tool = defineTool<PythonArgs>({
    name,
    description: "Runs Python code and returns what it prints (and the value of a last expression).",
    parameters,
    timeoutMs: timeoutMs + startTimeoutMs,
    fromText: (query) => ({ code: query }),
    async run({ code }, { signal, episodeId }) {
      const outcome = await pick(episodeId).run(code, { timeoutMs, namespace: episodeId, signal, lastExpression });
      // an exception or a non-zero exit is a tool error (error "tool_exception"), as the calculator's are
      if (outcome.error !== null || (outcome.exitCode ?? 0) !== 0) throw new PythonError(formatOutcome(outcome, timeoutMs));
      return formatOutcome(outcome, timeoutMs);
    },
    release(episodeId) {
      forget(episodeId);
    },
  });
  return {
    ...tool,
    runners,
    episodes: () => assigned.size,
    warm: async () => void await Promise.all(runners.map((runner) => runner.warm())),
    close: () => runners.forEach((runner) => runner.close()),
  };
}
