/**
 * The benchmark runner: runs every suite or the named ones, prints each table, and with `--save` writes
 * bench/results/<suite>.json (machine, runtime, backend, date, figures; the repository's tracked records) or
 * with `--out-dir DIR` DIR/<suite>.json; without either it writes nothing, so a run leaves a clone clean.
 * `toolrl bench`, `npm run bench` and `bench/main.ts` all come here.
 *
 *   toolrl bench [suite...] [--quick] [--rounds N] [--backend wasm|cpu|webgpu] [--init CHECKPOINT] [--save | --out-dir DIR]
 */
import { BACKENDS, type BackendName } from "./engine.ts";
import { defaultResultsDir, machineInfo, runtime, writeJson } from "./host_node.ts";
import type { BenchResult } from "./report.ts";
import { pickSuites, SUITES } from "./suites.ts";

/** Where the runner writes: stdout for tables, stderr for progress and errors. */
export interface BenchIO {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** The runner's options, read from the command line. */
export interface BenchArgs {
  suites: string[];
  quick: boolean;
  backend: BackendName;
  init?: string;
  /** Measured rounds of the rollout and latency suites (default 3). */
  rounds?: number;
  /** Where the JSON files go; none (the default) writes nothing. */
  outDir?: string;
  child: boolean;
}

const QUICK_NOTE = "--quick: small shapes, one mostly cold run per figure; a smoke test of the harness, not a measurement";

/** The runner's help text. */
export const help = `toolrl bench [suite...] [options]

Runs the benchmark suites (all when none is named) and prints a table per suite. With --save it also
writes bench/results/<suite>.json with the machine, runtime, backend, date and figures (the records the
repository keeps); without --save or --out-dir nothing is written.

suites:
${SUITES.map((suite) => `  ${suite.name.padEnd(11)} ${suite.description}${suite.quick ? "" : " (not in --quick runs unless named)"}`).join("\n")}

  --quick                    small shapes and batches, one run each (seconds, for smoke tests)
  --rounds N                 measured rounds of the rollout and latency suites (default 3; more on a busy machine)
  --backend wasm|cpu|webgpu  engine backend of the model-driven suites (default wasm)
  --init CHECKPOINT          a checkpoint folder instead of the tiny model's random weights
  --save                     write the JSON files to bench/results/ (tracked: for a results commit)
  --out-dir DIR              write the JSON files to DIR instead`;

/**
 * Reads the runner's arguments; throws naming the bad one.
 *
 * @example
 * ```ts
 * parseBenchArgs(["rollout", "--quick"]); // { suites: ["rollout"], quick: true, backend: "wasm", ... }
 * ```
 */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = { suites: [], quick: false, backend: "wasm", child: false };
  let save = false;
  const value = (i: number, flag: string) => {
    const next = argv[i + 1];
    if (next === undefined || next.startsWith("--")) throw new Error(`${flag} needs a value`);
    return next;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--quick") args.quick = true;
    else if (arg === "--child") args.child = true;
    else if (arg === "--backend") {
      const name = value(i++, arg);
      if (!(BACKENDS as readonly string[]).includes(name)) throw new Error(`--backend must be one of ${BACKENDS.join(", ")}, got "${name}"`);
      args.backend = name as BackendName;
    } else if (arg === "--init") args.init = value(i++, arg);
    else if (arg === "--rounds") {
      const text = value(i++, arg);
      const rounds = Number(text);
      if (!(Number.isInteger(rounds) && rounds >= 1)) throw new Error(`--rounds must be a whole number >= 1, got "${text}"`);
      args.rounds = rounds;
    }
    else if (arg === "--out-dir") args.outDir = value(i++, arg);
    else if (arg === "--save") save = true;
    else if (arg.startsWith("--")) throw new Error(`unknown option ${arg}; known: --quick, --rounds, --backend, --init, --save, --out-dir`);
    else args.suites.push(arg);
  }
  if (save && args.outDir !== undefined) throw new Error(`give --save (bench/results/) or --out-dir ${args.outDir}, not both`);
  if (save) args.outDir = defaultResultsDir;
  pickSuites(args.suites);
  return args;
}

/**
 * The command that measures what a results file holds: `argv` without where the file went (`--save`,
 * `--out-dir DIR`) or `--child`, so a file copied into bench/results/ names a command to rerun.
 */
export function measuredCommand(argv: readonly string[]): string {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--out-dir") i += 1;
    else if (argv[i] !== "--save" && argv[i] !== "--child") kept.push(argv[i]);
  }
  return ["toolrl bench", ...kept].join(" ");
}

/**
 * Runs the suites `argv` asks for and returns the exit code (1 when a suite failed; the others still run).
 *
 * @example
 * ```ts
 * const code = await runBench(["decode", "--quick"], { stdout: console.log, stderr: console.error });
 * ```
 */
export async function runBench(argv: readonly string[], io: BenchIO): Promise<number> {
  const args = parseBenchArgs(argv);
  let failed = 0;
  for (const suite of pickSuites(args.suites, { quick: args.quick })) {
    io.stderr(`bench: ${suite.name} (${suite.description})\n`);
    const started = performance.now();
    try {
      const output = await suite.run({
        quick: args.quick,
        backend: args.backend,
        init: args.init,
        rounds: args.rounds,
        child: args.child,
        log: (line) => io.stderr(`  ${line}\n`),
      });
      if (args.quick) output.notes = [...(output.notes ?? []), QUICK_NOTE];
      const result: BenchResult = {
        suite: suite.name,
        command: measuredCommand(argv),
        date: new Date().toISOString(),
        quick: args.quick,
        machine: machineInfo(),
        runtime,
        seconds: Math.round((performance.now() - started) / 100) / 10,
        ...output,
      };
      const path = args.outDir === undefined ? null : `${args.outDir}/${suite.name}.json`;
      if (path !== null) await writeJson(path, result);
      const notes = (output.notes ?? []).map((note) => `note: ${note}\n`).join("");
      io.stdout(`\n## ${suite.name} — ${output.backend}, ${runtime.name} ${runtime.version}\n${output.table}\n${notes}`);
      const wrote = path === null ? "wrote no file (--save writes bench/results/, --out-dir DIR elsewhere)" : `wrote ${path}`;
      io.stderr(`bench: ${suite.name} took ${result.seconds} s, ${wrote}\n`);
    } catch (error) {
      failed += 1;
      io.stderr(`bench: ${suite.name} failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    }
  }
  return failed > 0 ? 1 : 0;
}
