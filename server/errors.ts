/**
 * Structured JSON errors of the tool server, `{ error: { code, message, issues? } }`, and the one
 * place that reads a JSON body and validates it with valibot.
 */
import * as v from "valibot";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { formatIssues } from "../core/config/mod.ts";

/** Machine-readable error codes, one per way a request can fail. */
export type ServerErrorCode =
  | "bad_json"
  | "invalid_body"
  | "invalid_arguments"
  | "unknown_tool"
  | "not_found"
  | "method_not_allowed"
  | "payload_too_large"
  | "unauthorized"
  | "bad_host"
  | "cross_origin"
  | "unsupported_media_type"
  | "busy"
  | "timeout"
  | "unavailable"
  | "client_aborted"
  | "internal";

/** One valibot issue as JSON: where (`path`, dotted) and what (`message`, `expected`, `received`). */
export interface IssueJson {
  path: string;
  message: string;
  expected: string | null;
  received: string;
}

/** The body of every error response. */
export interface ErrorBody {
  error: { code: ServerErrorCode; message: string; issues?: IssueJson[] };
}

/** valibot issues as plain JSON (the raw issues carry whole inputs; these carry only what a client needs). */
export function issuesToJson(issues: readonly v.BaseIssue<unknown>[]): IssueJson[] {
  return issues.map((issue) => ({
    path: v.getDotPath(issue) ?? "",
    message: issue.message,
    expected: issue.expected,
    received: issue.received,
  }));
}

/**
 * A JSON error response.
 *
 * @example
 * ```ts
 * return jsonError(c, 404, "unknown_tool", `no tool named "x"; GET /tools lists them`);
 * ```
 */
export function jsonError(
  c: Context,
  status: ContentfulStatusCode,
  code: ServerErrorCode,
  message: string,
  issues?: IssueJson[],
): Response {
  const body: ErrorBody = { error: issues ? { code, message, issues } : { code, message } };
  return c.json(body, status);
}

/** The outcome of {@link readBody}: the validated value, or the error response to send. */
export type BodyResult<T> = { ok: true; value: T } | { ok: false; response: Response };

/**
 * Reads the request body as JSON and validates it against `schema`; malformed JSON and schema
 * failures become 400 responses.
 *
 * @example
 * ```ts
 * const body = await readBody(c, v.object({ queries: v.array(v.string()) }));
 * if (!body.ok) return body.response;
 * ```
 */
export async function readBody<T>(
  c: Context,
  schema: v.GenericSchema<unknown, T>,
  options: { expected?: string } = {},
): Promise<BodyResult<T>> {
  let text: string;
  try {
    text = await c.req.text();
  } catch (error) {
    if (error instanceof HTTPException) throw error;
    // The connection broke mid-body: the client went away, not the server (nginx's 499); no one reads this answer.
    const message = `the client closed the connection before sending the whole body (${(error as Error).message})`;
    return { ok: false, response: jsonError(c, 499 as ContentfulStatusCode, "client_aborted", message) };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const preview = text.length > 80 ? `${text.slice(0, 80)}...` : text;
    const message = `the request body is not valid JSON (${(error as Error).message}): ${JSON.stringify(preview)}`;
    return { ok: false, response: jsonError(c, 400, "bad_json", message) };
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    const got = json === null ? "null" : Array.isArray(json) ? "an array" : typeof json;
    const message = `the request body must be a JSON object${options.expected ? ` ${options.expected}` : ""}, got ${got}`;
    return { ok: false, response: jsonError(c, 400, "invalid_body", message) };
  }
  const parsed = v.safeParse(schema, json);
  if (!parsed.success) {
    const issues = issuesToJson(parsed.issues);
    const message = `the request body does not match the expected shape${options.expected ? ` ${options.expected}` : ""}: ${
      formatIssues(parsed.issues)
    }`;
    return { ok: false, response: jsonError(c, 400, "invalid_body", message, issues) };
  }
  return { ok: true, value: parsed.output };
}

/** 429 with `Retry-After: 1`, for a call the concurrency limits refused (`reason` says which limit). */
export function busyError(c: Context, reason: string): Response {
  c.header("Retry-After", "1");
  return jsonError(c, 429, "busy", reason);
}
