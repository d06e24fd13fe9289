/**
 * toolrl/server — the hono tool server: `createToolServer` (tools, SandboxFusion `/run_code`, Search-R1
 * `/retrieve`, MCP) and `serve` (Deno or Node, detected once), plus `toWorker` for Cloudflare Workers.
 *
 * @example
 * ```ts
 * import { createToolServer, serve } from "toolrl/server"; // Deno: "@toolrl/toolrl/server"
 * import { calculator } from "toolrl/plugins";
 * const handle = await serve(createToolServer({ plugins: [calculator()] }), { port: 8787 });
 * ```
 * @module
 */
export * from "./plugins/server/mod.ts";
export { serve } from "./plugins/server/adapter/serve.ts";
export { runtimeUpgradeWebSocket, runtimeWebSocket } from "./plugins/server/adapter/ws.ts";
export { toWorker } from "./plugins/server/adapter/workers/index.ts";
