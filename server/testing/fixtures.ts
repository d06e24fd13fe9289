/**
 * Test helpers shared by the server's test files: small tools with known behaviour (one that hangs,
 * one that throws), the wiki tool over a tiny corpus, and a real server on 127.0.0.1 through the runtime's adapter.
 */
import * as v from "valibot";
import { defineTool } from "../../core/plugin/define_tool.ts";
import { definePlugin } from "../../core/plugin/define_plugin.ts";
import type { Plugin, Tool } from "../../core/types.ts";
import { serve } from "../adapter/serve.ts";
import type { ServerHandle } from "../adapter/types.ts";
import { createToolServer, type ToolServerOptions } from "../server.ts";
import { wikiTool } from "../../plugins/wiki/tool.ts";

/** `add({ a, b })` → the sum as text. */
export const addTool = defineTool({
  name: "add",
  description: "Adds two numbers.",
  parameters: v.object({ a: v.number(), b: v.number() }),
  run: ({ a, b }) => String(a + b),
  timeoutMs: 1000,
});

/** Never returns (until its time-out of 150 ms). */
export const hangTool = defineTool({
  name: "hang",
  description: "Never answers.",
  parameters: v.object({}),
  run: () => new Promise<string>(() => {}),
  timeoutMs: 150,
});

/** Waits `ms` then answers "slept". */
export const sleepTool = defineTool({
  name: "sleep",
  description: "Waits, then answers.",
  parameters: v.object({ ms: v.number() }),
  run: ({ ms }, { signal }) =>
    new Promise<string>((resolve) => {
      const timer = setTimeout(() => resolve("slept"), ms);
      signal.addEventListener("abort", () => clearTimeout(timer));
    }),
  timeoutMs: 5000,
});

/** Always throws. */
export const boomTool = defineTool({
  name: "boom",
  description: "Fails.",
  parameters: v.object({}),
  run: () => {
    throw new Error("boom went the tool");
  },
  timeoutMs: 1000,
});

/** A stand-in `python` tool (no interpreters exposed, so /run_code calls it as a tool). */
export const standInPython = defineTool({
  name: "python",
  description: "Runs Python (stand-in).",
  parameters: v.object({ code: v.string() }),
  run: ({ code }) => {
    if (code.includes("raise")) throw new Error("ZeroDivisionError: division by zero");
    if (code.includes("while True")) return new Promise<string>(() => {});
    return "3\n";
  },
  timeoutMs: 300,
});

/** A small corpus for the real `wiki` tool (BM25), which also answers `/retrieve`. */
export const CORPUS = [
  { id: "0", title: "Zorblat", text: "Zorblat is a fictional city founded in 1802." },
  { id: "1", title: "Quenfrey", text: "Quenfrey is a river that runs through Zorblat." },
  { id: "2", title: "Malvik", text: "Malvik is a mountain far from any river." },
];

/** The plugin most tests serve. */
export function testPlugin(extra: Tool[] = []): Plugin {
  return definePlugin({ name: "test", tools: [addTool, hangTool, sleepTool, boomTool, wikiTool({ corpus: CORPUS }), ...extra] });
}

/** A real server on 127.0.0.1 (free port) through the detected runtime's adapter. */
export function startServer(options: Partial<ToolServerOptions> = {}): Promise<ServerHandle> {
  const app = createToolServer({ plugins: [testPlugin()], ...options });
  return serve({ app, port: 0, hostname: "127.0.0.1" });
}

/** A parsed JSON body, read freely by the tests. */
// deno-lint-ignore no-explicit-any
type Json = any;

/** POSTs `body` (serialised unless already a string) as JSON and returns status, headers and parsed body. */
export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; json: Json }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : null };
}

/** The module's plugin, for `toolrl serve --plugin server/testing/fixtures.ts`. */
export default testPlugin;
