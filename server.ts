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
export * from "./server/mod.ts";
export { serve } from "./server/adapter/serve.ts";
export { runtimeUpgradeWebSocket, runtimeWebSocket } from "./server/adapter/ws.ts";
export { toWorker } from "./server/adapter/workers/mod.ts";
