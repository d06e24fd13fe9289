/**
 * Cloudflare Workers and Bun adapter: a module's default export. The app is built on the first request,
 * with the bearer token taken from the `TOOLRL_TOKEN` secret (`wrangler secret put TOOLRL_TOKEN`) when set.
 *
 * @example
 * ```ts
 * export default toWorker({ plugins: [calculator()] });
 * ```
 */
import type { Hono } from "hono";
import { createToolServer, type ToolServerOptions } from "../../server.ts";

/** Bindings the worker reads. */
export interface WorkerEnv {
  TOOLRL_TOKEN?: string;
}

/** A module worker: `{ fetch(request, env, ctx) }`. */
export interface ToolWorker {
  fetch(request: Request, env?: WorkerEnv, ctx?: unknown): Response | Promise<Response>;
}

/** The tool server as a module worker. */
export function toWorker(options: ToolServerOptions): ToolWorker {
  let app: Hono | undefined;
  return {
    fetch(request, env, ctx) {
      const token = env?.TOOLRL_TOKEN;
      app ??= createToolServer(token ? { ...options, auth: { token } } : options);
      return app.fetch(request, env, ctx as never);
    },
  };
}
