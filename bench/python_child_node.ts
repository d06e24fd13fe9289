/**
 * Adapter (Node and Deno, through node:child_process): a python child the benchmarks' yardsticks talk to in
 * JSON lines — one request written per line on stdin, one answer read per line from stdout. The NumPy kernel
 * yardstick and the PyTorch training-step yardstick both run on it.
 */
import { spawn } from "node:child_process";

/** A running child: its next stdout line ("" once it failed), why it failed, and how to stop it. */
export interface LineChild {
  /** The next line the child wrote; "" when it has exited or could not start. */
  nextLine(): Promise<string>;
  /** Writes `request` as one JSON line to the child's stdin. */
  send(request: unknown): void;
  /** Why the child stopped (its last stderr line, or that it is missing). */
  why(): string;
  close(): void;
}

/**
 * Starts `python` (a command on the PATH or a path) with `args`, adding `env` to the inherited environment.
 *
 * @example const child = spawnLineChild("python3", ["-c", SCRIPT]); const hello = await child.nextLine();
 */
export function spawnLineChild(python: string, args: string[], env?: Record<string, string>): LineChild {
  const inherited = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env;
  const child = spawn(python, args, { stdio: ["pipe", "pipe", "pipe"], env: env ? { ...inherited, ...env } : undefined });
  let stderr = "";
  let buffered = "";
  let failed: string | null = null;
  const waiting: ((line: string) => void)[] = [];
  const lines: string[] = [];
  const fail = (why: string) => {
    failed ??= why;
    for (const take of waiting.splice(0)) take("");
  };
  child.stderr.setEncoding("utf8").on("data", (text: string) => void (stderr += text));
  child.stdout.setEncoding("utf8").on("data", (text: string) => {
    buffered += text;
    for (let at = buffered.indexOf("\n"); at !== -1; at = buffered.indexOf("\n")) {
      const line = buffered.slice(0, at);
      buffered = buffered.slice(at + 1);
      const take = waiting.shift();
      if (take) take(line);
      else lines.push(line);
    }
  });
  child.on("error", (error: NodeJS.ErrnoException) => fail(error.code === "ENOENT" ? `${python} not found` : error.message));
  child.on("exit", () => fail(stderr.trim().split("\n").pop() || `${python} exited`));
  return {
    nextLine: () =>
      new Promise<string>((take) => {
        if (lines.length) take(lines.shift()!);
        else if (failed) take("");
        else waiting.push(take);
      }),
    send: (request) => void child.stdin.write(JSON.stringify(request) + "\n"),
    why: () => failed ?? `${python} exited`,
    close() {
      child.stdin.end();
      child.kill();
    },
  };
}
