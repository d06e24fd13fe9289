/**
 * SandboxFusion's `POST /run_code` on top of the `python` tool, so that verl's and MindSpeed-RL's
 * SandboxFusion tools can point their `sandbox_fusion_url` at this server (`GET /v1/ping` sits in
 * server.ts, before auth). As SandboxFusion does, a run that fails (non-zero exit, time-out) or that this
 * server cannot run still answers HTTP 200; only a malformed request (400) or a full server (429) does not.
 *
 * The built-in python tool exposes its interpreters (`runners`), which keep stdout, stderr and the
 * exception apart; the code then runs as a script (`__name__ == "__main__"`, `stdin` from the request,
 * no echo of a last expression). Any other tool named `python` is called as a tool, its text as stdout.
 */
import * as v from "valibot";
import type { Hono } from "hono";
import type { Tool, ToolCallOutcome } from "../core/types.ts";
import type { PythonRunner, RunOutcome } from "../plugins/python/runner.ts";
import type { CommandResult, RunCodeResponse } from "../plugins/sandbox/client.ts";
import { busyError, readBody } from "./errors.ts";
import type { Guarded, ToolRunner } from "./runner.ts";

/** SandboxFusion's `RunCodeRequest` after defaults. */
export interface RunCodeRequest {
  code: string;
  language: string;
  compile_timeout: number;
  run_timeout: number;
  memory_limit_MB: number;
  stdin: string | null;
  files: Record<string, string | null>;
  fetch_files: string[];
}

/**
 * SandboxFusion's `RunCodeRequest`, defaults as SandboxFusion's (verl sends every field; its `stdin` may be
 * null). Responses use the `sandbox` client's `RunCodeResponse` type.
 */
export const RunCodeBody: v.GenericSchema<unknown, RunCodeRequest> = v.object({
  code: v.string(),
  language: v.string(),
  compile_timeout: v.optional(v.pipe(v.number(), v.finite()), 10),
  run_timeout: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0)), 10),
  memory_limit_MB: v.optional(v.number(), -1),
  stdin: v.optional(v.nullable(v.string()), null),
  files: v.optional(v.record(v.string(), v.nullable(v.string())), {}),
  fetch_files: v.optional(v.array(v.string()), []),
});

/** The longest a `/run_code` request may run when the server sets no `limits.timeoutMs`. */
export const DEFAULT_MAX_RUN_TIMEOUT_MS = 30_000;

/** The answer for a request this server cannot run (SandboxFusion's `SandboxError`). */
export function sandboxError(message: string): RunCodeResponse {
  return { status: "SandboxError", message, compile_result: null, run_result: null, executor_pod_name: null, files: {} };
}

/** Wraps a run result as SandboxFusion does: `Failed` on a time-out or a non-zero exit. */
function finished(run: CommandResult): RunCodeResponse {
  const failed = run.status !== "Finished" || run.return_code !== 0;
  return { ...sandboxError(""), status: failed ? "Failed" : "Success", run_result: run };
}

/**
 * Maps the python interpreter's outcome onto SandboxFusion's: `sys.exit(n)` is exit code n, an exception is exit
 * code 1 with its text on stderr; any non-zero code makes the status `Failed`, as SandboxFusion reports it.
 */
export function fromRunOutcome(outcome: RunOutcome, seconds: number): RunCodeResponse {
  const stderr = [outcome.stderr, outcome.error ?? ""].filter((part) => part !== "").join(outcome.stderr.endsWith("\n") ? "" : "\n");
  if (outcome.timedOut) {
    return finished({ status: "TimeLimitExceeded", execution_time: seconds, return_code: null, stdout: outcome.stdout, stderr });
  }
  const returnCode = outcome.exitCode ?? (outcome.error === null ? 0 : 1);
  return finished({ status: "Finished", execution_time: seconds, return_code: returnCode, stdout: outcome.stdout, stderr });
}

/** Maps any tool's outcome onto SandboxFusion's (its text is stdout; a tool exception is exit code 1, its message on stderr). */
export function fromToolOutcome(outcome: ToolCallOutcome): RunCodeResponse {
  const seconds = outcome.durationMs / 1000;
  if (outcome.error === null) {
    return finished({ status: "Finished", execution_time: seconds, return_code: 0, stdout: outcome.text, stderr: "" });
  }
  if (outcome.error === "timeout") {
    return finished({ status: "TimeLimitExceeded", execution_time: seconds, return_code: null, stdout: "", stderr: outcome.text });
  }
  if (outcome.error === "tool_exception") {
    const stderr = outcome.text.replace(/^Tool error: /, "");
    return finished({ status: "Finished", execution_time: seconds, return_code: 1, stdout: "", stderr });
  }
  return sandboxError(outcome.text);
}

/** `code` run as `python script.py < stdin` would: its own `__main__` namespace, `sys.stdin` restored afterwards. */
export function asScript(code: string, stdin: string): string {
  // JSON string literals are valid Python string literals.
  return `def __toolrl_script(code, stdin):
    import io, sys
    saved = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        exec(compile(code, "<string>", "exec"), {"__name__": "__main__", "__builtins__": __builtins__})
    finally:
        sys.stdin = saved
__toolrl_script(${JSON.stringify(code)}, ${JSON.stringify(stdin)})
`;
}

/** Why there is no python here, and the fix that fits the runtime (Workers cannot run Pyodide's worker). */
function noPythonMessage(): string {
  const workers = (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent === "Cloudflare-Workers";
  return workers
    ? 'this server has no "python" tool: Cloudflare Workers cannot run Pyodide\'s interpreter worker; serve /run_code from Node or Deno (toolrl serve --plugins python)'
    : 'this server has no "python" tool; start it with the python plugin (--plugins python)';
}

function interpretersOf(tool: Tool | undefined): readonly PythonRunner[] | null {
  const runners = (tool as { runners?: unknown } | undefined)?.runners;
  return Array.isArray(runners) && runners.length > 0 ? runners as PythonRunner[] : null;
}

/**
 * Adds `POST /run_code`.
 *
 * @example
 * ```ts
 * mountRunCode(app, runner); // python runs through runner.tools.get("python")
 * ```
 */
export function mountRunCode(app: Hono, runner: ToolRunner): void {
  const python = runner.tools.get("python");
  const interpreters = interpretersOf(python);
  let turn = 0;

  async function run(tool: Tool, request: v.InferOutput<typeof RunCodeBody>): Promise<Guarded<RunCodeResponse>> {
    // a request never holds the interpreter past the server's cap (limits.timeoutMs, else 30 s); this also keeps
    // the timer below 2^31 ms, past which setTimeout fires at once
    const cap = Number.isFinite(runner.maxTimeoutMs) ? runner.maxTimeoutMs : DEFAULT_MAX_RUN_TIMEOUT_MS;
    const timeoutMs = Math.min(request.run_timeout * 1000, cap);
    if (!interpreters) {
      const result = await runner.run(tool, { code: request.code }, { timeoutMs });
      return result.kind === "done" ? { kind: "done", value: fromToolOutcome(result.value) } : result;
    }
    const interpreter = interpreters[turn++ % interpreters.length];
    return await runner.guard(tool.name, async () => {
      const started = performance.now();
      const outcome = await interpreter.run(asScript(request.code, request.stdin ?? ""), { timeoutMs, lastExpression: false });
      return fromRunOutcome(outcome, (performance.now() - started) / 1000);
    });
  }

  app.post("/run_code", async (c) => {
    const body = await readBody(c, RunCodeBody);
    if (!body.ok) return body.response;
    const request = body.value;
    if (request.language !== "python") {
      return c.json(sandboxError(`language ${JSON.stringify(request.language)} is not supported here; this server runs only "python" (Pyodide)`));
    }
    if (!python) return c.json(sandboxError(noPythonMessage()));
    const files = [...Object.keys(request.files), ...request.fetch_files];
    if (files.length > 0) return c.json(sandboxError(`files are not supported by this server (got ${files.join(", ")})`));
    const result = await run(python, request);
    if (result.kind === "busy") return busyError(c, result.reason);
    return c.json(result.value);
  });
}
