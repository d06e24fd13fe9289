/**
 * `GET /tools` (OpenAI function schemas) and `POST /tools/:name` (one call, `{ arguments }` in,
 * `{ text, error, ... }` out) — toolrl's own protocol, the one the `http` tool speaks.
 */
import * as v from "valibot";
import type { Hono } from "hono";
import { toolSchemas } from "../core/plugin/tool_schemas.ts";
import { busyError, issuesToJson, jsonError, readBody } from "./errors.ts";
import type { ToolRunner } from "./runner.ts";

/** A `POST /tools/:name` body after defaults. */
export interface ToolCallRequest {
  arguments: unknown;
  episodeId?: string;
}

/**
 * Body of `POST /tools/:name`; `episodeId` lets a tool keep per-episode state across calls. Other keys are
 * refused, so arguments sent at the top level (`{"expression": "1+2"}`) get `invalid_body` and the expected
 * shape instead of running the tool with no arguments.
 */
export const ToolCallBody: v.GenericSchema<unknown, ToolCallRequest> = v.strictObject({
  arguments: v.optional(v.unknown(), {}),
  episodeId: v.optional(v.string()),
});

const EXPECTED_SHAPE = '{"arguments": {...the tool\'s parameters...}, "episodeId"?: "..."}';

/** Body of a successful `POST /tools/:name`: the tool's outcome (`error` is null, or `tool_exception` when it threw). */
export interface ToolCallResponse {
  text: string;
  error: string | null;
  reward?: number;
  metrics?: Record<string, number>;
  durationMs: number;
}

/**
 * Adds the two routes to `app`.
 *
 * @example
 * ```ts
 * mountToolRoutes(app, createRunner(plugins, limits));
 * ```
 */
export function mountToolRoutes(app: Hono, runner: ToolRunner): void {
  const schemas = toolSchemas([...runner.tools.values()]);
  app.get("/tools", (c) => c.json(schemas));
  app.post("/tools/:name", async (c) => {
    const name = c.req.param("name");
    const tool = runner.tools.get(name);
    if (!tool) {
      const known = [...runner.tools.keys()].join(", ");
      return jsonError(c, 404, "unknown_tool", `no tool named ${JSON.stringify(name)}; this server has: ${known}`);
    }
    const body = await readBody(c, ToolCallBody, { expected: EXPECTED_SHAPE });
    if (!body.ok) return body.response;
    const result = await runner.run(tool, body.value.arguments, { episodeId: body.value.episodeId });
    if (result.kind === "busy") return busyError(c, result.reason);
    const outcome = result.value;
    if (outcome.error === "invalid_arguments") {
      const parsed = v.safeParse(tool.parameters, body.value.arguments);
      const issues = parsed.success ? undefined : issuesToJson(parsed.issues);
      return jsonError(c, 400, "invalid_arguments", outcome.text, issues);
    }
    if (outcome.error === "timeout") return jsonError(c, 504, "timeout", outcome.text);
    const response: ToolCallResponse = { text: outcome.text, error: outcome.error, durationMs: outcome.durationMs };
    if (outcome.reward !== undefined) response.reward = outcome.reward;
    if (outcome.metrics !== undefined) response.metrics = outcome.metrics;
    return c.json(response);
  });
}
