/**
 * The toolrl tool server: any set of tool plugins behind one hono app, with toolrl's `/tools` routes,
 * SandboxFusion's `/run_code`, Search-R1's `/retrieve` and MCP at `/mcp`. Runtime adapters live in
 * `adapter/` (`adapter/serve.ts` picks Deno or Node; `adapter/workers/` for Workers and Bun).
 *
 * @example
 * ```ts
 * import { createToolServer } from "./server/mod.ts";
 * import { serve } from "./server/adapter/serve.ts";
 * const server = await serve({ app: createToolServer({ plugins: [calculator()] }), port: 8000 });
 * ```
 */
export * from "./server.ts";
export * from "./errors.ts";
export * from "./gate.ts";
export * from "./runner.ts";
export * from "./tools_routes.ts";
export * from "./run_code.ts";
export * from "./retrieve.ts";
export * from "./mcp.ts";
export * from "./origin_guard.ts";
export type * from "./adapter/types.ts";
