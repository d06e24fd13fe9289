/**
 * The python plugin: the `python` tool (Pyodide in a worker, with a time-out, a memory bound and no
 * access to the host), the runner behind it, and the python-math task.
 * @module
 */
import { definePlugin } from "../../core/plugin/define_plugin.ts";
import type { Plugin } from "../../core/types.ts";
import { pythonMathTask } from "./task.ts";
import { pythonTool, type PythonToolOptions } from "./tool.ts";

export * from "./runner.ts";
export * from "./task.ts";
export * from "./tool.ts";

/** Options of {@link python}: the tool's, plus worked examples in the task's prompts. */
export interface PythonPluginOptions extends PythonToolOptions {
  fewShot?: boolean;
}

/**
 * The python plugin: its tool and the python-math task that uses it. Pyodide starts on the first call.
 *
 * @example
 * ```ts
 * const plugin = python({ timeoutMs: 2000 });
 * plugin.tasks[0].name; // "python-math"
 * ```
 */
export function python(options: PythonPluginOptions = {}): Plugin {
  const { fewShot, ...toolOptions } = options;
  const task = pythonMathTask({ fewShot, tool: pythonTool({ timeoutMs: 3000, ...toolOptions }) });
  return definePlugin({ name: "python", tools: task.tools, verifiers: [task.verifier], tasks: [task] });
}
