/**
 * The `sandbox` tool: runs code in a SandboxFusion service (any of its languages, in a container) and
 * returns what it printed. A failed run (an exception, a non-zero exit, a time-out, a compile error)
 * is output for the model to read; a `SandboxError` (the service itself failed) is a tool error.
 */
import * as v from "valibot";
import { defineTool } from "../../core/plugin/define_tool.ts";
import type { Tool } from "../../core/types.ts";
import { type CommandResult, runCode, type RunCodeResponse, type SandboxClientOptions } from "./client.ts";

/** Options of {@link sandboxTool}. */
export interface SandboxToolOptions extends SandboxClientOptions {
  /** Language when the call names none (default "python"). */
  language?: string;
  /** SandboxFusion's `run_timeout` in seconds (default 10). */
  runTimeoutS?: number;
  /** SandboxFusion's `compile_timeout` in seconds (default 10). */
  compileTimeoutS?: number;
  /** SandboxFusion's `memory_limit_MB` (default -1: the service's own limit). */
  memoryLimitMb?: number;
  /** Tool name the model calls (default "sandbox"). */
  name?: string;
  /** Time limit of a whole call, retries included, in milliseconds (default 60000). */
  timeoutMs?: number;
}

/** The sandbox tool's arguments. */
export interface SandboxArgs {
  code: string;
  language?: string;
}

const parameters = v.object({
  code: v.pipe(v.string(), v.maxLength(100_000), v.description("Source code to run; print what you need to see.")),
  language: v.optional(v.pipe(v.string(), v.regex(/^[a-z0-9_+#-]{1,20}$/), v.description("e.g. python, cpp, nodejs, go"))),
});

function joined(...parts: Array<string | null | undefined>): string {
  return parts.map((part) => (part ?? "").trimEnd()).filter((part) => part !== "").join("\n");
}

function failure(stage: "compile" | "run", result: CommandResult, limitS: number): string {
  if (result.status === "TimeLimitExceeded") {
    const done = stage === "run" ? "ran" : "compiled";
    return joined(result.stdout, result.stderr, `TimeoutError: the code ${done} longer than ${limitS} s and was stopped`);
  }
  const code = result.return_code ?? "unknown";
  return joined(result.stdout, result.stderr, stage === "compile" ? `compilation failed (exit code ${code})` : `exit code ${code}`);
}

/** Renders a SandboxFusion response as the text the model reads; throws on `SandboxError`. */
export function formatSandboxResponse(response: RunCodeResponse, limits: { runTimeoutS: number; compileTimeoutS: number }): string {
  if (response.status === "SandboxError") {
    throw new Error(`SandboxFusion could not run the code (SandboxError): ${response.message ?? "no message"}`);
  }
  const { compile_result: compiled, run_result: ran } = response;
  if (compiled && compiled.status !== "Finished") return failure("compile", compiled, limits.compileTimeoutS);
  if (compiled && compiled.return_code && !ran) return failure("compile", compiled, limits.compileTimeoutS);
  if (!ran) return joined(response.message) || `${response.status}: the sandbox reported no run result`;
  if (response.status === "Success" && ran.status === "Finished") return joined(ran.stdout, ran.stderr) || "(no output)";
  return failure("run", ran, limits.runTimeoutS);
}

/**
 * The sandbox tool.
 *
 * @example
 * ```ts
 * const sandbox = sandboxTool({ url: "http://127.0.0.1:8080" });
 * (await invokeTool(sandbox, { code: "print(6 * 7)" })).text; // "42"
 * ```
 */
export function sandboxTool(options: SandboxToolOptions): Tool<SandboxArgs> {
  const { language = "python", runTimeoutS = 10, compileTimeoutS = 10, memoryLimitMb = -1, name = "sandbox", timeoutMs = 60_000 } = options;
  if (!/^https?:\/\//.test(options.url ?? "")) {
    throw new Error(`sandboxTool: url ${JSON.stringify(options.url)} must be the http(s) URL of a SandboxFusion service.`);
  }
  const client: SandboxClientOptions = { url: options.url, requestTimeoutMs: options.requestTimeoutMs, retries: options.retries, backoffMs: options.backoffMs };
  return defineTool<SandboxArgs>({
    name,
    description: `Runs code (default ${language}) in a sandbox and returns what it prints.`,
    parameters,
    timeoutMs,
    fromText: (query) => ({ code: query }),
    async run({ code, language: chosen }, { signal }) {
      const response = await runCode(client, {
        code,
        language: chosen ?? language,
        compile_timeout: compileTimeoutS,
        run_timeout: runTimeoutS,
        memory_limit_MB: memoryLimitMb,
      }, { signal });
      return formatSandboxResponse(response, { runTimeoutS, compileTimeoutS });
    },
  });
}
