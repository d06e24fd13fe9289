/**
 * `createToolServer`: one hono app that serves any set of tool plugins — toolrl's own `/tools` routes,
 * SandboxFusion's `/run_code`, Search-R1's `/retrieve`, and MCP at `/mcp` — in web-standard code only,
 * so the same app runs on Deno, Node, Bun and Cloudflare Workers (see `adapter/`).
 */
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { bearerAuth } from "hono/bearer-auth";
import { HTTPException } from "hono/http-exception";
import type { Plugin } from "../core/types.ts";
import { jsonError } from "./errors.ts";
import { mountMcp } from "./mcp.ts";
import { mountRetrieve } from "./retrieve.ts";
import { mountRunCode } from "./run_code.ts";
import { createRunner } from "./runner.ts";
import { mountToolRoutes } from "./tools_routes.ts";
import { originGuard, requireJsonBody } from "./origin_guard.ts";
import { type EnvServerOptions, mountEnvRoutes, mountEnvSocket } from "./env/routes.ts";

/** What RFC 6750 allows in a bearer token (and hono's bearerAuth accepts). */
const BEARER_TOKEN = /^[A-Za-z0-9._~+/-]+=*$/;

/**
 * 413 for a body over `maxBytes`. A declared Content-Length is checked without touching the body (hono's
 * `bodyLimit` opens the body stream first, which costs more than a whole calculator call on Deno and
 * Node); a streamed body without one is counted by `bodyLimit` as it arrives.
 */
function limitBody(maxBytes: number): MiddlewareHandler {
  const tooLarge = (c: Context) => jsonError(c, 413, "payload_too_large", `the request body is over the limit of ${maxBytes} bytes`);
  const streamed = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return (c, next) => {
    const declared = c.req.header("content-length");
    if (declared === undefined || c.req.header("transfer-encoding") !== undefined) return streamed(c, next);
    return Number(declared) > maxBytes ? Promise.resolve(tooLarge(c)) : next();
  };
}

/** Limits that keep one client from starving the others. */
export interface ServerLimits {
  /** Largest request body in bytes (413 above it). */
  maxBodyBytes: number;
  /** Tool calls in flight on the whole server (429 above it). */
  maxConcurrent: number;
  /** Tool calls in flight per tool (429 above it). */
  maxConcurrentPerTool: number;
  /** Cap on the time of one call in ms, on top of each tool's own `timeoutMs` (504 past it). */
  timeoutMs?: number;
}

/** Defaults of {@link ServerLimits}: 1 MiB bodies, 256 calls at once, 64 per tool, each tool's own time limit. */
export const DEFAULT_SERVER_LIMITS: Readonly<ServerLimits> = { maxBodyBytes: 1 << 20, maxConcurrent: 256, maxConcurrentPerTool: 64 };

/** Options of {@link createToolServer}. */
export interface ToolServerOptions {
  /** The plugins whose tools are served; tool names must be unique across them. */
  plugins: readonly Plugin[];
  /** Bearer token every route but `GET /health` and `GET /v1/ping` requires (compared in constant time). */
  auth?: { token: string };
  limits?: Partial<ServerLimits>;
  /** Receives one line per request: method, path, status, milliseconds. */
  logger?: (line: string) => void;
  /** Host names served besides loopback when there is no token (DNS-rebinding guard; see origin_guard.ts). */
  allowedHosts?: readonly string[];
  /** Origins whose pages may call the server (CORS); other cross-origin browser requests get 403. */
  corsOrigins?: readonly string[];
  /** Tasks served as OpenEnv environments (`/reset`, `/step`, `/ws`, `/reward`; see env/routes.ts). */
  env?: EnvServerOptions;
}

/**
 * A hono app serving the tools of `plugins`.
 *
 * @example
 * ```ts
 * const app = createToolServer({ plugins: [calculator()], auth: { token: "s3cret" } });
 * await serve({ app, port: 8000 }); // adapter/serve.ts; on Workers and Bun: export default app
 * ```
 */
export function createToolServer(options: ToolServerOptions): Hono {
  const limits: ServerLimits = { ...DEFAULT_SERVER_LIMITS, ...options.limits };
  const runner = createRunner(options.plugins, limits);
  const app = new Hono();

  if (options.logger) {
    const log = options.logger;
    app.use("*", async (c, next) => {
      const started = performance.now();
      await next();
      log(`${c.req.method} ${c.req.path} ${c.res.status} ${(performance.now() - started).toFixed(1)}ms`);
    });
  }

  app.use("*", originGuard({ allowedHosts: options.allowedHosts, corsOrigins: options.corsOrigins, authenticated: Boolean(options.auth) }));
  // `status: "healthy"` is what OpenEnv's clients read; `ok` is what toolrl answered first
  app.get("/health", (c) => c.json({ ok: true, status: "healthy" }));
  app.get("/v1/ping", (c) => c.text("pong"));

  if (options.env) mountEnvSocket(app, options.env, options.auth?.token);

  if (options.auth) {
    if (typeof options.auth.token !== "string" || !BEARER_TOKEN.test(options.auth.token)) {
      throw new Error(
        `createToolServer: auth.token ${JSON.stringify(options.auth.token)} must be a non-empty bearer token ` +
          `(letters, digits and . _ ~ + / -); leave auth out to serve without one.`,
      );
    }
    const unauthorized = (message: string) => (c: Context) => jsonError(c, 401, "unauthorized", message);
    app.use(
      "*",
      bearerAuth({
        token: options.auth.token,
        noAuthenticationHeader: { message: unauthorized("send the header Authorization: Bearer <token>") },
        invalidAuthenticationHeader: { message: unauthorized("the Authorization header must read: Bearer <token>") },
        invalidToken: { message: unauthorized("the bearer token is wrong") },
      }),
    );
  }

  app.use("*", requireJsonBody());
  app.use("*", limitBody(limits.maxBodyBytes));

  mountToolRoutes(app, runner);
  mountRunCode(app, runner);
  mountRetrieve(app, runner);
  mountMcp(app, runner);
  if (options.env) mountEnvRoutes(app, options.env);

  app.notFound((c) => jsonError(c, 404, "not_found", `no route ${c.req.method} ${c.req.path}; GET /tools lists the tools`));
  app.onError((error, c) => {
    if (error instanceof HTTPException) return error.getResponse();
    return jsonError(c, 500, "internal", `the server failed on ${c.req.method} ${c.req.path}: ${error.message}`);
  });
  return app;
}
