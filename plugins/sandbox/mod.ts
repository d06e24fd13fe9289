/**
 * The sandbox plugin: a `sandbox` tool backed by a SandboxFusion service (`POST /run_code`), with
 * retries on HTTP 504 and time limits.
 * @module
 */
import { definePlugin } from "../../core/plugin/define_plugin.ts";
import type { Plugin } from "../../core/types.ts";
import { sandboxTool, type SandboxToolOptions } from "./tool.ts";

export * from "./client.ts";
export * from "./tool.ts";

/**
 * The sandbox plugin; `url` is required (there is no default service).
 *
 * @example
 * ```ts
 * const plugin = sandbox({ url: "http://127.0.0.1:8080", language: "python" });
 * ```
 */
export function sandbox(options: SandboxToolOptions): Plugin {
  if (!options?.url) throw new Error("sandbox: give the url of a SandboxFusion service, e.g. sandbox({ url: \"http://127.0.0.1:8080\" }).");
  return definePlugin({ name: "sandbox", tools: [sandboxTool(options)] });
}
