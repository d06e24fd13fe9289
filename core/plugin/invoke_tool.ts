/**
 * Runs one tool call the way a rollout and the tool server need it: arguments validated by the
 * tool's valibot schema, a hard time limit, and every failure returned as a value, never thrown.
 */
import * as v from "valibot";
import { formatIssues } from "../config/mod.ts";
import type { Tool, ToolCallOutcome } from "../types.ts";

/** Options for one call. */
export interface InvokeOptions {
  /** Episode making the call (tools may keep per-episode state). */
  episodeId?: string;
  /** Cancels the call from outside (the time-out also aborts it). */
  signal?: AbortSignal;
  /** Overrides the tool's own `timeoutMs`. */
  timeoutMs?: number;
  /** Raw text arguments (from a format whose `argumentsAsText` is true, as submit) are mapped with `tool.fromText`. */
  rawText?: boolean;
}

/**
 * Validates `args` and runs `tool`, returning its text or a structured error.
 *
 * @example
 * ```ts
 * const out = await invokeTool(calculator, { expression: "2+2" });
 * out.text; // "4"
 * ```
 */
export async function invokeTool(tool: Tool, args: unknown, options: InvokeOptions = {}): Promise<ToolCallOutcome> {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  let input = args;
  if (options.rawText) {
    const text = typeof args === "string" ? args : JSON.stringify(args);
    try {
      input = tool.fromText ? tool.fromText(text) : text;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { text: `Invalid arguments for ${tool.name}: ${message}`, error: "invalid_arguments", durationMs: elapsed() };
    }
  }
  const parsed = v.safeParse(tool.parameters, input);
  if (!parsed.success) {
    return {
      text: `Invalid arguments for ${tool.name}: ${formatIssues(parsed.issues)}`,
      error: "invalid_arguments",
      durationMs: elapsed(),
    };
  }
  const timeoutMs = options.timeoutMs ?? tool.timeoutMs;
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onOuterAbort, { once: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  try {
    const running = Promise.resolve().then(() =>
      tool.run(parsed.output, { signal: controller.signal, episodeId: options.episodeId ?? "" })
    );
    const result = await Promise.race([running, timedOut]);
    if (result === "timeout") {
      controller.abort(new Error(`${tool.name} timed out after ${timeoutMs} ms`));
      running.catch(() => {}); // the abandoned call may still reject later; nobody awaits it
      return { text: `Tool error: ${tool.name} timed out after ${timeoutMs} ms`, error: "timeout", durationMs: elapsed() };
    }
    if (typeof result === "string") return { text: result, error: null, durationMs: elapsed() };
    return { text: result.text, error: null, reward: result.reward, metrics: result.metrics, durationMs: elapsed() };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { text: `Tool error: ${message}`, error: "tool_exception", durationMs: elapsed() };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onOuterAbort);
  }
}
