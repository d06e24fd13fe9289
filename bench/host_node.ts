/**
 * Adapter (Node and Deno, through `node:*` modules): everything the benchmarks need from the host —
 * which runtime this is, the machine, files, temporary folders, the process's streams and arguments,
 * and spawning the bench runner under the other runtime. Detected once here; no other bench file
 * asks which runtime it is on.
 */
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { arch, availableParallelism, cpus, platform, tmpdir, totalmem } from "node:os";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { runtime as detectedRuntime } from "../core/runtime/mod.ts";

/** The two runtimes toolrl runs its benchmarks on. */
export type RuntimeName = "node" | "deno";

/** A runtime and its version. */
export interface RuntimeInfo {
  name: RuntimeName;
  version: string;
}

/** The machine a result was measured on. */
export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  os: string;
}

/** The runtime running this process (named by core/runtime's check; the version from the runtime itself). */
export const runtime: RuntimeInfo = detectedRuntime === "deno"
  ? { name: "deno", version: (globalThis as { Deno?: { version: { deno: string } } }).Deno!.version.deno }
  : { name: "node", version: process.version.replace(/^v/, "") };

/** The repository root (the folder holding bench/). */
export const repoRoot: string = fileURLToPath(new URL("..", import.meta.url));

/** Where results go by default: bench/results/. */
export const defaultResultsDir: string = join(repoRoot, "bench", "results");

/** The processors, their model, the memory and the operating system of this machine. */
export function machineInfo(): MachineInfo {
  return {
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model?.trim() ?? "unknown",
    memoryGb: Math.round(totalmem() / 2 ** 30),
    os: `${platform()} ${arch()}`,
  };
}

/** Writes `value` as pretty JSON to `path` atomically (temporary file, then rename). */
export async function writeJson(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(value, null, 2) + "\n");
  await rename(temporary, path);
}

/** Reads and parses a JSON file. */
export async function readJson(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, "utf8"));
}

/** A fresh temporary folder, and a function removing it. */
export async function temporaryDir(prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** The command line after the runtime and script names. */
export function processArgs(): string[] {
  return process.argv.slice(2);
}

/** Writers for the process's standard streams. */
export const streams = {
  stdout: (text: string) => void process.stdout.write(text),
  stderr: (text: string) => void process.stderr.write(text),
};

/** Sets the exit code of this process. */
export function setExitCode(code: number): void {
  process.exitCode = code;
}

/** What a spawned runner printed and how it exited. */
export interface SpawnResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The other runtime than this one. */
export function otherRuntime(): RuntimeName {
  return runtime.name === "node" ? "deno" : "node";
}

/**
 * Runs the TypeScript file `script` (a path from the repository root) with `args` under `target` (Deno
 * through node_modules/.bin/deno with `denoFlags`, Node through `node --import tsx`) and collects its output.
 *
 * @example
 * ```ts
 * const { code } = await spawnScript("deno", "bench/main.ts", ["rollout", "--child", "--out-dir", dir]);
 * ```
 */
export function spawnScript(
  target: RuntimeName, script: string, args: string[], options: { timeoutMs?: number; denoFlags?: string[] } = {},
): Promise<SpawnResult> {
  const denoFlags = options.denoFlags ?? ["--unstable-worker-options"];
  const [command, argv] = target === "deno"
    ? [join(repoRoot, "node_modules", ".bin", "deno"), ["run", "-A", "--no-lock", ...denoFlags, script, ...args]]
    : ["node", ["--import", "tsx", script, ...args]];
  return new Promise((resolve) => {
    const child = spawn(command, argv, { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
    let stdout = "", stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 600_000);
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr: `${stderr}${command}: ${error.message}` });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
