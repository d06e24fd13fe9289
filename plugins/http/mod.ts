/**
 * The http plugin: tools that run on a deployed toolrl tool server, reached over HTTP with an
 * allow-list of hosts and time limits.
 * @module
 */
import { definePlugin } from "../../core/plugin/define_plugin.ts";
import type { Plugin } from "../../core/types.ts";
import { type HttpServerOptions, remoteTools } from "./tool.ts";

export * from "./json_schema.ts";
export * from "./tool.ts";

/** Options of {@link http}: the server, and optionally the names of the tools to use (default: all it lists). */
export interface HttpPluginOptions extends HttpServerOptions {
  tools?: readonly string[];
}

/**
 * The http plugin: asks the server for its tools (`GET /tools`) and wraps them, or the ones named.
 *
 * @example
 * ```ts
 * const plugin = await http({ url: "http://127.0.0.1:8787", allowHosts: ["127.0.0.1:8787"], tools: ["calculator"] });
 * ```
 */
export async function http(options: HttpPluginOptions): Promise<Plugin> {
  if (!options?.url || !Array.isArray(options.allowHosts)) {
    throw new Error('http: give the tool server\'s url and allowHosts, e.g. http({ url: "http://127.0.0.1:8787", allowHosts: ["127.0.0.1:8787"] }).');
  }
  const listed = await remoteTools(options);
  const wanted = options.tools ?? listed.map((tool) => tool.name);
  const missing = wanted.filter((name) => !listed.some((tool) => tool.name === name));
  if (missing.length > 0) {
    throw new Error(`http: the server at ${options.url} has no tool ${missing.join(", ")}; it lists ${listed.map((t) => t.name).join(", ")}.`);
  }
  return definePlugin({ name: "http", tools: listed.filter((tool) => wanted.includes(tool.name)) });
}

