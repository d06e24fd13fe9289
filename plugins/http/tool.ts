/**
 * The `http` tool: calls a tool deployed on a toolrl tool server (`POST {url}/tools/:name` with
 * `{ "arguments": {...} }`, answer `{ "text": ... }`). Only hosts on an allow-list are contacted (a
 * refused URL fails when the tool is made, before any request), redirects are refused (they could
 * lead elsewhere), and every request has a time limit. `remoteTools` makes one such tool per entry of
 * the server's `GET /tools`.
 */
import * as v from "valibot";
import { defineTool } from "../../core/plugin/define_tool.ts";
import type { Tool, ToolReturn } from "../../core/types.ts";
import { HttpError, requestJson } from "../../core/http/request_json.ts";
import { fromJsonSchema } from "./json_schema.ts";

/** Where the server is and who may be contacted. */
export interface HttpServerOptions {
  /** Base URL of the tool server, e.g. `http://127.0.0.1:8787`. */
  url: string;
  /** Hosts that may be contacted, as `hostname` or `hostname:port` (e.g. `["127.0.0.1:8787"]`). */
  allowHosts: readonly string[];
  /** Sent as `Authorization: Bearer <token>` when the server requires it. */
  token?: string;
  /** Time limit per request in milliseconds (default 30000). */
  timeoutMs?: number;
}

/** Options of {@link httpTool}. */
export interface HttpToolOptions extends HttpServerOptions {
  /** The tool's name on the server (also the name the model calls, unless `localName` is given). */
  name: string;
  localName?: string;
  description?: string;
  /** valibot schema of the arguments (default: any object; the server validates). */
  parameters?: v.GenericSchema<unknown, unknown>;
  /** Maps the raw query of the `submit` format to arguments, e.g. `(q) => ({ expression: q })`. */
  fromText?: (query: string) => unknown;
}

/** Whether allow-list `entry` (`host`, `host:port`, `::1`, `[::1]:port`, any case) names `url`'s host and port. */
function hostMatches(url: URL, entry: string): boolean {
  const lower = entry.trim().toLowerCase();
  let host = lower;
  let port: string | undefined;
  if (lower.startsWith("[")) {
    const close = lower.indexOf("]");
    host = lower.slice(1, close === -1 ? undefined : close);
    if (close !== -1 && lower[close + 1] === ":") port = lower.slice(close + 2);
  } else if (lower.indexOf(":") !== -1 && lower.indexOf(":") === lower.lastIndexOf(":")) {
    [host, port] = lower.split(":");
  }
  const urlHost = url.hostname.replace(/^\[|\]$/g, "");
  const urlPort = url.port || (url.protocol === "https:" ? "443" : "80");
  return host === urlHost && (port === undefined || port === urlPort);
}

/** Throws unless `url` is http(s) on an allowed host; returns the URL without a trailing slash. */
export function checkAllowed(url: string, allowHosts: readonly string[]): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`http tool: ${JSON.stringify(url)} is not a URL; give the tool server's base URL, e.g. http://127.0.0.1:8787.`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new Error(`http tool: ${url} must use http or https.`);
  }
  if (!allowHosts.some((entry) => hostMatches(parsed, entry))) {
    throw new Error(`http tool: host ${parsed.host} is not in allowHosts ${JSON.stringify(allowHosts)}; add it to call this server.`);
  }
  return parsed.href.replace(/\/+$/, "");
}

/** Largest response body read from a tool server (a `GET /tools` listing included). */
export const MAX_RESPONSE_BYTES = 4 << 20;

/** Sends one request to the server and returns its JSON body; throws with the server's own message otherwise. */
async function request(
  server: HttpServerOptions,
  path: string,
  init: { method: "GET" | "POST"; body?: unknown },
  signal?: AbortSignal,
): Promise<unknown> {
  const base = checkAllowed(server.url, server.allowHosts);
  const { timeoutMs = 30_000 } = server;
  const headers: Record<string, string> = server.token ? { authorization: `Bearer ${server.token}` } : {};
  try {
    return await requestJson(`${base}${path}`, {
      ...init,
      timeoutMs,
      headers,
      redirects: "refuse",
      maxResponseBytes: MAX_RESPONSE_BYTES,
      signal,
    });
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    const { status, text = "", body, location } = error.detail;
    if (error.kind === "timeout") throw new Error(`the tool server ${base} did not answer ${path} within ${timeoutMs} ms`);
    if (error.kind === "network") throw new Error(`the tool server ${base} could not be reached (${path}): ${error.message}`);
    if (error.kind === "redirect") {
      throw new Error(`the tool server ${base} could not be reached (${path}): it answered a redirect to ${location}, which is not followed`);
    }
    if (error.kind === "too_large") {
      throw new Error(`the tool server's answer from ${base}${path} is larger than ${MAX_RESPONSE_BYTES} bytes; refused`);
    }
    if (error.kind === "not_json") throw new Error(`the tool server sent invalid JSON for ${path}: ${text.slice(0, 200)}`);
    const served = (body as { error?: { code?: string; message?: string; issues?: Array<{ path?: string; message?: string }> } })?.error;
    const detail = served?.message ?? text.slice(0, 200);
    const issues = served?.issues?.length ? ` (${served.issues.map((i) => `${i.path || "arguments"}: ${i.message}`).join("; ")})` : "";
    throw new Error(`the tool server answered ${status}${served?.code ? ` ${served.code}` : ""} for ${path}: ${detail}${issues}`);
  }
}

/**
 * A tool that runs on a toolrl tool server.
 *
 * @example
 * ```ts
 * const calc = httpTool({ url: "http://127.0.0.1:8787", name: "calculator", allowHosts: ["127.0.0.1:8787"] });
 * (await invokeTool(calc, { expression: "2+2" })).text; // "4"
 * ```
 */
export function httpTool(options: HttpToolOptions): Tool<unknown> {
  checkAllowed(options.url, options.allowHosts);
  const { name, localName = name, timeoutMs = 30_000 } = options;
  const path = `/tools/${encodeURIComponent(name)}`;
  return defineTool<unknown>({
    name: localName,
    description: options.description ?? `Calls the ${name} tool of ${options.url}.`,
    parameters: options.parameters ?? v.looseObject({}),
    timeoutMs: timeoutMs + 1000,
    fromText: options.fromText,
    async run(args, { signal, episodeId }): Promise<ToolReturn> {
      const payload = episodeId ? { arguments: args, episodeId } : { arguments: args };
      const body = await request(options, path, { method: "POST", body: payload }, signal) as {
        text?: unknown;
        error?: unknown;
        reward?: number;
        metrics?: Record<string, number>;
      };
      if (typeof body.text !== "string") throw new Error(`the tool server's answer for ${path} has no "text": ${JSON.stringify(body).slice(0, 200)}`);
      if (body.error === "tool_exception") throw new Error(body.text.replace(/^Tool error: /, ""));
      const out: { text: string; reward?: number; metrics?: Record<string, number> } = { text: body.text };
      if (typeof body.reward === "number") out.reward = body.reward;
      if (body.metrics && typeof body.metrics === "object") out.metrics = body.metrics;
      return out;
    },
  });
}

/** For a schema with exactly one required string property, the `submit` query becomes that property. */
function textArgument(schema: unknown): ((query: string) => unknown) | undefined {
  const { properties = {}, required = [] } = (schema ?? {}) as { properties?: Record<string, { type?: unknown }>; required?: string[] };
  if (required.length !== 1 || properties[required[0]]?.type !== "string") return undefined;
  return (query) => ({ [required[0]]: query.trim() });
}

/**
 * One `httpTool` per tool the server lists under `GET /tools`, with its description and argument schema.
 *
 * @example
 * ```ts
 * const tools = await remoteTools({ url: "http://127.0.0.1:8787", allowHosts: ["127.0.0.1:8787"] });
 * tools.map((t) => t.name); // ["calculator", "python", ...]
 * ```
 */
export async function remoteTools(server: HttpServerOptions): Promise<Tool<unknown>[]> {
  const listed = await request(server, "/tools", { method: "GET" });
  if (!Array.isArray(listed)) throw new Error(`the tool server's GET /tools is not a list: ${JSON.stringify(listed).slice(0, 200)}`);
  return listed.map((entry) => {
    const fn = (entry as { function?: { name?: unknown; description?: unknown; parameters?: unknown } })?.function;
    if (typeof fn?.name !== "string") throw new Error(`the tool server listed a tool without a name: ${JSON.stringify(entry).slice(0, 200)}`);
    let parameters;
    try {
      parameters = fromJsonSchema(fn.parameters);
    } catch (error) {
      throw new Error(`the tool server's tool ${JSON.stringify(fn.name.slice(0, 100))}: ${(error as Error).message}`);
    }
    return httpTool({
      ...server,
      name: fn.name,
      description: typeof fn.description === "string" ? fn.description : undefined,
      parameters,
      fromText: textArgument(fn.parameters),
    });
  });
}
