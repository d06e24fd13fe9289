/**
 * What keeps web pages away from a tool server on loopback: a page on another site can make the browser send
 * requests to 127.0.0.1 (cross-site `fetch` with a `text/plain` body needs no preflight), and DNS rebinding can make
 * `evil.example` resolve to it. Three checks; `originGuard` makes the first two before any route (and before
 * authentication), `requireJsonBody` the third after authentication:
 *
 * - **Host**: without a bearer token, only `localhost`, `127.0.0.1` and `[::1]` (any port) and the hosts in
 *   `allowedHosts` are served (421 otherwise), which defeats DNS rebinding. With a token, the token protects.
 * - **Origin**: a browser request from another origin (an `Origin` header that is not the server's own) is refused
 *   (403) unless that origin is in `corsOrigins`, which also answers CORS preflights for it.
 * - **Content-Type**: a POST must be `application/json` (415 otherwise), so no form or `text/plain` post
 *   slips through as JSON.
 */
import type { Context, MiddlewareHandler } from "hono";
import { jsonError } from "./errors.ts";

/** Settings of the guard (all optional). */
export interface OriginGuardOptions {
  /** Host names (without port) served besides localhost, 127.0.0.1 and [::1], e.g. your machine's LAN name. */
  allowedHosts?: readonly string[];
  /** Origins (scheme://host:port) whose pages may call the server, with CORS headers; "*" allows any. */
  corsOrigins?: readonly string[];
  /** A bearer token is required: the Host check is then left to it. */
  authenticated?: boolean;
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/** The host name of a Host header, without its port (`[::1]:80` → `[::1]`). */
function hostName(host: string): string {
  const value = host.trim().toLowerCase();
  if (value.startsWith("[")) return value.slice(0, value.indexOf("]") + 1);
  const colon = value.lastIndexOf(":");
  return colon === -1 ? value : value.slice(0, colon);
}

/**
 * The guard middleware.
 *
 * @example app.use("*", originGuard({ corsOrigins: ["http://localhost:5173"] }));
 */
export function originGuard(options: OriginGuardOptions = {}): MiddlewareHandler {
  const hosts = new Set([...LOOPBACK, ...(options.allowedHosts ?? []).map((h) => h.toLowerCase())]);
  const cors = new Set(options.corsOrigins ?? []);
  const corsAllows = (origin: string) => cors.has("*") || cors.has(origin);
  return async (c: Context, next) => {
    const host = c.req.header("host");
    if (!options.authenticated && host !== undefined && !hosts.has(hostName(host))) {
      return jsonError(c, 421, "bad_host", `this server does not answer for host ${JSON.stringify(host)}; ` +
        `serve with --allowed-host ${hostName(host)} or a bearer token (--token) to allow it`);
    }
    const origin = c.req.header("origin");
    const sameOrigin = origin !== undefined && host !== undefined && originHost(origin) === host.toLowerCase();
    const crossOrigin = origin !== undefined && !sameOrigin;
    if (crossOrigin && (origin === "null" || !corsAllows(origin))) {
      return jsonError(c, 403, "cross_origin", `requests from pages at ${origin} are refused; serve with --cors-origin ${origin} to allow them`);
    }
    if (crossOrigin && c.req.method === "OPTIONS") {
      return new Response(null, { status: 204, headers: corsHeaders(origin, c.req.header("access-control-request-headers")) });
    }
    await next();
    if (crossOrigin) for (const [name, value] of Object.entries(corsHeaders(origin))) c.res.headers.set(name, value);
  };
}

/**
 * 415 for a POST whose body is not declared `application/json`, unless it has no body and no type (mounted after
 * authentication, so an unauthenticated caller learns only that it is unauthenticated).
 *
 * @example app.use("*", requireJsonBody());
 */
export function requireJsonBody(): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method === "POST") {
      const type = (c.req.header("content-type") ?? "").split(";")[0].trim().toLowerCase();
      // A POST with no body and no type carries nothing to smuggle: OpenEnv's `requests.post(url + "/reset")` sends one.
      const length = c.req.header("content-length");
      const bodiless = type === "" && (length === "0" || (length === undefined && c.req.header("transfer-encoding") === undefined));
      if (type !== "application/json" && !bodiless) {
        return jsonError(c, 415, "unsupported_media_type", `send the body as JSON with Content-Type: application/json (got ${JSON.stringify(type || "none")})`);
      }
    }
    await next();
  };
}

/** The host:port of an Origin header, lower-cased ("" when it does not parse). */
function originHost(origin: string): string {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return "";
  }
}

function corsHeaders(origin: string, requested?: string): Record<string, string> {
  return {
    "access-control-allow-origin": origin,
    "access-control-allow-methods": "GET, POST, OPTIONS",
    "access-control-allow-headers": requested ?? "authorization, content-type, accept, mcp-session-id, mcp-protocol-version",
    vary: "Origin",
  };
}
