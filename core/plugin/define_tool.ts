/**
 * `defineTool`: the one way plugins declare a tool. Defaults are merged once here; arguments are
 * validated later, by `invokeTool`, against `parameters`.
 */
import type { GenericSchema } from "valibot";
import type { Tool, ToolContext, ToolReturn } from "../types.ts";

/** Time limit per call when a tool does not set one. */
export const DEFAULT_TOOL_TIMEOUT_MS = 10_000;

/** What a plugin author writes; `timeoutMs` defaults to {@link DEFAULT_TOOL_TIMEOUT_MS}. */
export interface ToolDefinition<TArgs> {
  /** Name the model calls the tool by: letters, digits, `_`, `-` (OpenAI's function-name rule). */
  name: string;
  /** One or two sentences the model reads to decide when to call the tool. */
  description: string;
  /** valibot schema of the arguments object. */
  parameters: GenericSchema<unknown, TArgs>;
  /** Runs the tool on validated arguments; may be sync or async, may return text or `{ text, reward?, metrics? }`. */
  run(args: TArgs, context: ToolContext): ToolReturn | Promise<ToolReturn>;
  timeoutMs?: number;
  /** Maps the raw query of the `submit` format to arguments. */
  fromText?(query: string): unknown;
  /** Drops per-episode state when an episode ends. */
  release?(episodeId: string): void | Promise<void>;
}

const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Declares a tool.
 *
 * @example
 * ```ts
 * const echo = defineTool({
 *   name: "echo", description: "Repeats the text.",
 *   parameters: v.object({ text: v.string() }), run: ({ text }) => text,
 * });
 * ```
 */
export function defineTool<TArgs>(definition: ToolDefinition<TArgs>): Tool<TArgs> {
  const { name, description, parameters, run } = definition;
  if (typeof name !== "string" || !TOOL_NAME.test(name)) {
    throw new Error(
      `defineTool: name ${JSON.stringify(name)} must be 1-64 letters, digits, "_" or "-"; rename the tool.`,
    );
  }
  if (typeof description !== "string" || description.trim() === "") {
    throw new Error(`defineTool: tool "${name}" needs a description the model can read.`);
  }
  const schema = parameters as { kind?: unknown; async?: unknown } | null;
  if (typeof schema !== "object" || schema === null || schema.kind !== "schema" || schema.async !== false) {
    throw new Error(
      `defineTool: tool "${name}" needs a synchronous valibot schema as parameters, e.g. v.object({ ... }).`,
    );
  }
  if (typeof run !== "function") throw new Error(`defineTool: tool "${name}" needs a run(args, context) function.`);
  const timeoutMs = definition.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
    throw new Error(`defineTool: tool "${name}" has timeoutMs ${timeoutMs}; give a positive number of milliseconds.`);
  }
  const tool: Tool<TArgs> = { name, description, parameters, run, timeoutMs };
  if (definition.fromText) tool.fromText = definition.fromText;
  if (definition.release) tool.release = definition.release;
  return tool;
}
