/** Test helper: runs a command in the repository root and collects its exit code and output (colours off). */
import { spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const root: string = fileURLToPath(new URL("../../", import.meta.url));

/** Runs `command args` in the repository root; resolves with the exit code and stdout+stderr (never rejects on exit). */
export function runChild(command: string, args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, NO_COLOR: "1" } });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", reject);
    // deno-lint-ignore no-control-regex
    child.on("close", (code) => resolve({ code, out: out.replace(/\x1b\[[0-9;]*m/g, "") }));
  });
}
