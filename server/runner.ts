/**
 * The one path every route takes to run a tool: the concurrency gate, the server's cap on time per
 * call, and `invokeTool` (validation, time-out, failures as values).
 */
import { invokeTool } from "../core/plugin/invoke_tool.ts";
import type { Plugin, Tool, ToolCallOutcome } from "../core/types.ts";
import { createGate, type GateLimits } from "./gate.ts";

/** What a route gets back: the work's value, or a refusal because the server is at its limit. */
export type Guarded<T> = { kind: "done"; value: T } | { kind: "busy"; reason: string };

/** Options for one call. */
export interface RunOptions {
  episodeId?: string;
  /** Cancels the call (MCP cancellation). */
  signal?: AbortSignal;
  /** A shorter limit asked for by the request (e.g. SandboxFusion's `run_timeout`); the caps still apply. */
  timeoutMs?: number;
}

/** Tools by name, run under the server's limits. */
export interface ToolRunner {
  tools: ReadonlyMap<string, Tool>;
  /** The server's cap on the time of one call in ms (Infinity when none). */
  maxTimeoutMs: number;
  /** Runs `work` as a call of `toolName` if the concurrency limits admit it. */
  guard<T>(toolName: string, work: () => Promise<T>): Promise<Guarded<T>>;
  /** Validates and runs `tool` under the limits; its time limit is the least of the tool's, the request's and the server's. */
  run(tool: Tool, args: unknown, options?: RunOptions): Promise<Guarded<ToolCallOutcome>>;
}

/**
 * Collects the tools of `plugins` (names must be unique) and runs them under `limits`.
 *
 * @example
 * ```ts
 * const runner = createRunner([calculator()], { maxConcurrent: 64, maxConcurrentPerTool: 16, timeoutMs: 30_000 });
 * await runner.run(runner.tools.get("calculator")!, { expression: "2+2" });
 * ```
 */
export function createRunner(plugins: readonly Plugin[], limits: GateLimits & { timeoutMs?: number }): ToolRunner {
  const tools = new Map<string, Tool>();
  const owner = new Map<string, string>();
  for (const plugin of plugins) {
    for (const tool of plugin.tools) {
      const first = owner.get(tool.name);
      if (first !== undefined) {
        throw new Error(
          `createToolServer: tool "${tool.name}" comes from both plugin "${first}" and plugin "${plugin.name}"; serve only one of them.`,
        );
      }
      owner.set(tool.name, plugin.name);
      tools.set(tool.name, tool);
    }
  }
  const gate = createGate(limits);
  const maxTimeoutMs = limits.timeoutMs ?? Infinity;
  async function guard<T>(toolName: string, work: () => Promise<T>): Promise<Guarded<T>> {
    const ticket = gate.enter(toolName);
    if (!ticket.admitted) return { kind: "busy", reason: ticket.reason };
    try {
      return { kind: "done", value: await work() };
    } finally {
      ticket.release();
    }
  }
  return {
    tools,
    maxTimeoutMs,
    guard,
    run(tool, args, options = {}) {
      const timeoutMs = Math.min(options.timeoutMs ?? Infinity, tool.timeoutMs, maxTimeoutMs);
      return guard(tool.name, () => invokeTool(tool, args, { episodeId: options.episodeId, signal: options.signal, timeoutMs }));
    },
  };
}
