/**
 * The bodies of `POST /reset` and `/step` read and checked as OpenEnv's server (FastAPI + pydantic) does, so
 * a client written against it gets the same statuses and the same `{"detail": [...]}` entries: a body
 * that is not JSON is a 422 `json_invalid` with Python's message and position, bytes that are not UTF-8
 * a 400, and fields that break `ResetRequest` / `StepRequest` a 422 naming each field (`loc`).
 */
import type { Context } from "hono";
import { pythonJsonError } from "./python_json.ts";

/** One entry of FastAPI's 422 `detail` list (pydantic's `errors()` without urls). */
export interface DetailEntry {
  type: string;
  loc: (string | number)[];
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
}

/** A read body: the parsed JSON (`null` when the body was empty or JSON null), or the answer to send. */
export type ReadBody = { data: unknown } | { response: Response };

/**
 * Reads the request body as FastAPI does for a JSON body parameter.
 *
 * @example const read = await readOpenEnvBody(c); if ("response" in read) return read.response;
 */
export async function readOpenEnvBody(c: Context): Promise<ReadBody> {
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  if (bytes.length === 0) return { data: null };
  let text: string;
  try {
    // Python's json.loads(bytes) decodes UTF-8 and drops one BOM ("utf-8-sig"); a decoding error is not a
    // JSONDecodeError, so FastAPI answers it with its generic 400.
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return { response: c.json({ detail: "There was an error parsing the body" }, 400) };
  }
  const error = pythonJsonError(text, { fromBytes: true });
  if (error) {
    const entry: DetailEntry = { type: "json_invalid", loc: ["body", error.pos], msg: "JSON decode error", input: {}, ctx: { error: error.msg } };
    return { response: c.json({ detail: [entry] }, 422) };
  }
  try {
    return { data: JSON.parse(text) };
  } catch {
    // Python reads NaN and Infinity, which no field of ResetRequest or StepRequest accepts.
    const entry: DetailEntry = { type: "finite_number", loc: ["body"], msg: "Input should be a finite number", input: text.slice(0, 200) };
    return { response: c.json({ detail: [entry] }, 422) };
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);

/** pydantic's check of a body that must be a model: an object, or (when `required`) a missing body. */
function bodyProblem(body: unknown, required: boolean): DetailEntry | undefined {
  if (body === null || body === undefined) return required ? { type: "missing", loc: ["body"], msg: "Field required", input: null } : undefined;
  if (!isObject(body)) return { type: "model_attributes_type", loc: ["body"], msg: "Input should be a valid dictionary or object to extract fields from", input: body };
  return undefined;
}

function optionalString(body: Record<string, unknown>, field: string): DetailEntry | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") return { type: "string_type", loc: ["body", field], msg: "Input should be a valid string", input: value };
  if (Array.from(value).length > 255) {
    return { type: "string_too_long", loc: ["body", field], msg: "String should have at most 255 characters", input: value, ctx: { max_length: 255 } };
  }
  return undefined;
}

/** A number as pydantic reads one in lax mode (numbers, and strings that spell one), or undefined. */
function laxNumber(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value.trim()))) return Number(value.trim());
  return undefined;
}

/**
 * Why a `/reset` body breaks OpenEnv's `ResetRequest` (`seed` an integer >= 0, `episode_id` at most 255
 * characters; other fields pass), as FastAPI's 422 entries; empty when it is fine.
 *
 * @example resetProblems({ seed: -1 }) // [{ type: "greater_than_equal", loc: ["body", "seed"], ... }]
 */
export function resetProblems(body: unknown): DetailEntry[] {
  const shape = bodyProblem(body, false);
  if (shape || !isObject(body)) return shape ? [shape] : [];
  const problems: DetailEntry[] = [];
  const seed = body.seed;
  if (seed !== undefined && seed !== null) {
    const n = laxNumber(seed);
    if (n === undefined) {
      const parsing = typeof seed === "string";
      problems.push({
        type: parsing ? "int_parsing" : "int_type",
        loc: ["body", "seed"],
        msg: parsing ? "Input should be a valid integer, unable to parse string as an integer" : "Input should be a valid integer",
        input: seed,
      });
    } else if (!Number.isInteger(n)) {
      problems.push({ type: "int_from_float", loc: ["body", "seed"], msg: "Input should be a valid integer, got a number with a fractional part", input: seed });
    } else if (n < 0) {
      problems.push({ type: "greater_than_equal", loc: ["body", "seed"], msg: "Input should be greater than or equal to 0", input: seed, ctx: { ge: 0 } });
    }
  }
  const episodeId = optionalString(body, "episode_id");
  if (episodeId) problems.push(episodeId);
  return problems;
}

/**
 * Why a `/step` body breaks OpenEnv's `StepRequest` (`action` an object, `timeout_s` > 0, `request_id` at
 * most 255 characters), as FastAPI's 422 entries; empty when it is fine.
 *
 * @example stepProblems({ action: {}, timeout_s: 0 }) // [{ type: "greater_than", loc: ["body", "timeout_s"], ... }]
 */
export function stepProblems(body: unknown): DetailEntry[] {
  const shape = bodyProblem(body, true);
  if (shape || !isObject(body)) return shape ? [shape] : [];
  const problems: DetailEntry[] = [];
  if (body.action === undefined) problems.push({ type: "missing", loc: ["body", "action"], msg: "Field required", input: body });
  else if (!isObject(body.action)) problems.push({ type: "dict_type", loc: ["body", "action"], msg: "Input should be a valid dictionary", input: body.action });
  const timeout = body.timeout_s;
  if (timeout !== undefined && timeout !== null) {
    const n = laxNumber(timeout);
    if (n === undefined) {
      const parsing = typeof timeout === "string";
      problems.push({
        type: parsing ? "float_parsing" : "float_type",
        loc: ["body", "timeout_s"],
        msg: parsing ? "Input should be a valid number, unable to parse string as a number" : "Input should be a valid number",
        input: timeout,
      });
    } else if (!(n > 0)) {
      problems.push({ type: "greater_than", loc: ["body", "timeout_s"], msg: "Input should be greater than 0", input: timeout, ctx: { gt: 0 } });
    }
  }
  const requestId = optionalString(body, "request_id");
  if (requestId) problems.push(requestId);
  return problems;
}
