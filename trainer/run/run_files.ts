/**
 * The run folder's plain files: `metrics.jsonl` (one JSON object per RL step) and `report.html`.
 * File access goes through `RunFiles` (the runtime adapter is run_files_node.ts), so tests can use memory.
 */
import type { ReportEvaluation } from "./report.ts";

/** What the trainer does with files besides checkpoints. */
export interface RunFiles {
  /** Creates a folder and its parents. */
  mkdir(path: string): Promise<void>;
  /** The file's text, or null when it does not exist. */
  readText(path: string): Promise<string | null>;
  appendText(path: string, text: string): Promise<void>;
  /** Writes through a temporary file and a rename, so readers never see half a file. */
  writeTextAtomic(path: string, text: string): Promise<void>;
  /** The names in a folder, or null when it does not exist. */
  entries(path: string): Promise<string[] | null>;
  /** Removes a file or a folder with what it holds; nothing when there is none. */
  remove(path: string): Promise<void>;
}

/**
 * `dir/name`, without a doubled separator.
 *
 * @example runPath("runs/calc/", "metrics.jsonl"); // "runs/calc/metrics.jsonl"
 */
export function runPath(dir: string, name: string): string {
  return `${dir.replace(/[\\/]+$/, "")}/${name}`;
}

/**
 * Appends one metrics row as a JSON line; non-finite numbers are written as null (JSON has no NaN).
 *
 * @example await appendMetrics(files, "runs/calc", { step: 1, "env/reward_mean": 0.5 });
 */
export async function appendMetrics(files: RunFiles, dir: string, row: Record<string, number>): Promise<void> {
  const clean = Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number.isFinite(v) ? v : null]));
  await files.appendText(runPath(dir, "metrics.jsonl"), JSON.stringify(clean) + "\n");
}

/**
 * The metrics rows of a run, in order; with `upToStep`, rewrites the file keeping only rows up to that step
 * (what `--resume` does, so the steps replayed after the checkpoint are not logged twice).
 *
 * @example const rows = await readMetrics(files, "runs/calc", { upToStep: 20 });
 */
export async function readMetrics(
  files: RunFiles,
  dir: string,
  options: { upToStep?: number } = {},
): Promise<Record<string, number>[]> {
  const path = runPath(dir, "metrics.jsonl");
  const text = await files.readText(path);
  if (text === null) return [];
  const rows: Record<string, number>[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      rows.push(JSON.parse(line));
    } catch {
      break; // a line cut short by a kill; everything after it is dropped
    }
  }
  if (options.upToStep === undefined) return rows;
  const kept = rows.filter((row) => row.step <= options.upToStep!);
  await files.writeTextAtomic(path, kept.map((row) => JSON.stringify(row) + "\n").join(""));
  return kept;
}

/** What a run writes into its folder besides `checkpoint/`, before its first checkpoint too. */
const RUN_FILES = ["metrics.jsonl", "eval.jsonl", "report.html", "reference"];

/**
 * Readies `dir` for a fresh run (it was empty, or --overwrite said so): removes an earlier run's checkpoint,
 * reference model and report, which would otherwise be resumed or shown as this run's, and starts empty logs.
 *
 * @example await startRunFolder(files, "runs/calc");
 */
export async function startRunFolder(files: RunFiles, dir: string): Promise<void> {
  await files.mkdir(dir);
  for (const name of ["checkpoint", ...RUN_FILES]) await files.remove(runPath(dir, name));
  await files.writeTextAtomic(runPath(dir, "metrics.jsonl"), "");
  await files.writeTextAtomic(runPath(dir, "eval.jsonl"), "");
}

/**
 * Refuses to start a run in `dir` when it holds anything (a run, or files of the user's), unless `overwrite`.
 *
 * @example await checkRunFolder(files, "runs/calc", { overwrite: false });
 */
export async function checkRunFolder(files: RunFiles, dir: string, options: { overwrite: boolean }): Promise<void> {
  const names = await files.entries(dir);
  if (names === null || names.length === 0 || options.overwrite) return;
  const resumable = names.includes("checkpoint");
  if (!resumable && names.some((name) => RUN_FILES.includes(name))) {
    // a run stopped before its first checkpoint (during SFT or its first evaluation): nothing to resume
    throw new Error(
      `${dir} holds a run that stopped before its first checkpoint, so it cannot be resumed; pass --overwrite to start it ` +
        `again there, or --out DIR for a new folder.`,
    );
  }
  const what = resumable ? "a training run" : `files that are not a run (${names.slice(0, 3).join(", ")}${names.length > 3 ? ", ..." : ""})`;
  throw new Error(
    `${dir} already holds ${what}; pass --overwrite to replace it, --out DIR for a new folder` +
      (resumable ? `, or \`npx toolrl train --resume ${dir}\` to continue it (add --steps N to extend a finished one).` : "."),
  );
}

/**
 * Rewrites `eval.jsonl`: one line per held-out evaluation, `{step, phase, n, accuracy, tool_call_rate,
 * error_rate, label}`. Rewritten whole from the run's state, so a resumed run drops evaluations made after
 * its checkpoint.
 *
 * @example await writeEvaluations(files, "runs/calc", [{ label: "after SFT", step: 0, phase: "sft", n: 200, accuracy: 0.5, toolCallRate: 1, errorRate: 0 }]);
 */
export async function writeEvaluations(files: RunFiles, dir: string, evaluations: readonly EvaluationRow[]): Promise<void> {
  const lines = evaluations.map((e) =>
    JSON.stringify({
      step: e.step ?? 0,
      phase: e.phase ?? (e.label === "after RL" ? "rl" : "sft"),
      n: e.n,
      accuracy: e.accuracy,
      tool_call_rate: e.toolCallRate,
      error_rate: e.errorRate,
      label: e.label,
    }) + "\n"
  );
  await files.writeTextAtomic(runPath(dir, "eval.jsonl"), lines.join(""));
}

/** The fields of an evaluation that eval.jsonl keeps. */
export type EvaluationRow = Pick<ReportEvaluation, "label" | "step" | "phase" | "n" | "accuracy" | "toolCallRate" | "errorRate">;

/**
 * In-memory `RunFiles`, for tests.
 *
 * @example const files = memoryRunFiles(); await appendMetrics(files, "run", { step: 1 }); files.files.get("run/metrics.jsonl");
 */
export function memoryRunFiles(): RunFiles & { files: Map<string, string> } {
  const files = new Map<string, string>();
  return {
    files,
    mkdir: () => Promise.resolve(),
    readText: (path) => Promise.resolve(files.get(path) ?? null),
    appendText: (path, text) => Promise.resolve(void files.set(path, (files.get(path) ?? "") + text)),
    writeTextAtomic: (path, text) => Promise.resolve(void files.set(path, text)),
    remove: (path) => {
      const prefix = `${path.replace(/[\\/]+$/, "")}/`;
      for (const key of [...files.keys()]) if (key === path || key.startsWith(prefix)) files.delete(key);
      return Promise.resolve();
    },
    entries: (path) => {
      const prefix = `${path.replace(/[\\/]+$/, "")}/`;
      const names = [...files.keys()].filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length).split("/")[0]);
      return Promise.resolve(names.length > 0 ? [...new Set(names)] : null);
    },
  };
}
