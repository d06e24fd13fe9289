/**
 * `GET /metadata` and `GET /openapi.json` as OpenEnv's server answers them: `EnvironmentMetadata`'s six fields
 * (pydantic model with `extra="forbid"`, so no others), and an OpenAPI document whose `info.version` (1.x) and
 * `paths` (`/reset`, `/step`, `/state`) are what `openenv validate <url>` reads to name the profile and mode.
 */
import type { Task } from "../../core/types.ts";
import { formatNames } from "../../core/formats/registry.ts";
import { ACTION_SCHEMA, OBSERVATION_SCHEMA, STATE_SCHEMA } from "./schema.ts";
import { MCP_SERVER_INFO } from "../mcp.ts";

/** OpenEnv's `EnvironmentMetadata`: name and description required, the rest null when unknown. */
export interface EnvMetadata {
  name: string;
  description: string;
  readme_content: string | null;
  version: string | null;
  author: string | null;
  documentation_url: string | null;
}

/**
 * The metadata of a server of `tasks`; `given` overrides any field (a deployment's author or docs link).
 *
 * @example envMetadata([calculator().tasks[0]], { documentation_url: "https://example.org/docs" }).name // "toolrl"
 */
export function envMetadata(tasks: readonly Task[], given: Partial<EnvMetadata> = {}): EnvMetadata {
  const lines = tasks.map((t) => `- **${t.name}**: ${t.description} Tools: ${t.tools.map((tool) => tool.name).join(", ") || "none"}.`);
  const readme = [
    "# toolrl tasks as OpenEnv environments",
    "",
    `Tasks served (a reset picks one with \`task\`, default \`${tasks[0]?.name}\`):`,
    "",
    ...lines,
    "",
    `A reset takes \`seed\`, \`episode_id\`, \`task\` and \`format\` (one of ${formatNames().join(", ")}; default hermes).`,
    'An action is `{"text": "<the model\'s raw turn>"}` or `{"tool_calls": [{"name", "arguments"}], "content"?}`; `GET /schema` has the JSON Schemas.',
    "Multi-turn episodes live in `/ws` sessions; HTTP `/reset` and `/step` are one-shot.",
  ].join("\n");
  return {
    name: "toolrl",
    description: `toolrl tasks as environments: ${tasks.map((t) => t.name).join(", ")}`,
    readme_content: readme,
    version: MCP_SERVER_INFO.version,
    author: null,
    documentation_url: null,
    ...given,
  };
}

const json = (schema: unknown) => ({ content: { "application/json": { schema } } });
const RESET_REQUEST = {
  type: "object",
  properties: {
    seed: { anyOf: [{ type: "integer", minimum: 0 }, { type: "null" }] },
    episode_id: { anyOf: [{ type: "string", maxLength: 255 }, { type: "null" }] },
    task: { type: "string" },
    format: { type: "string" },
  },
  additionalProperties: true,
};
const STEP_REQUEST = {
  type: "object",
  properties: {
    action: ACTION_SCHEMA,
    timeout_s: { anyOf: [{ type: "number", exclusiveMinimum: 0 }, { type: "null" }] },
    request_id: { anyOf: [{ type: "string", maxLength: 255 }, { type: "null" }] },
  },
  required: ["action"],
  additionalProperties: true,
};
const RESULT = {
  type: "object",
  properties: { observation: OBSERVATION_SCHEMA, reward: { anyOf: [{ type: "number" }, { type: "null" }] }, done: { type: "boolean" } },
  required: ["observation"],
};

/**
 * The OpenAPI 3.1 document of the environment routes (the HTTP API version is OpenEnv's, 1.0.0).
 *
 * @example envOpenApi(envMetadata(tasks)).paths["/reset"].post.summary // "Reset the environment"
 */
export function envOpenApi(metadata: EnvMetadata) {
  const get = (summary: string, schema: unknown) => ({ get: { summary, responses: { 200: { description: "OK", ...json(schema) } } } });
  return {
    openapi: "3.1.0",
    info: { title: "OpenEnv Environment HTTP API", version: "1.0.0", description: metadata.description },
    paths: {
      "/reset": { post: { summary: "Reset the environment", requestBody: { required: false, ...json(RESET_REQUEST) }, responses: { 200: { description: "OK", ...json(RESULT) } } } },
      "/step": {
        post: {
          summary: "Execute an action in the environment",
          requestBody: { required: true, ...json(STEP_REQUEST) },
          responses: { 200: { description: "OK", ...json(RESULT) }, 422: { description: "Validation error" } },
        },
      },
      "/state": get("Get current environment state", STATE_SCHEMA),
      "/metadata": get("Get environment metadata", { type: "object", required: ["name", "description"] }),
      "/schema": get("Get all JSON schemas", { type: "object", required: ["action", "observation", "state"] }),
      "/health": get("Health check", { type: "object", properties: { status: { type: "string" } } }),
    },
  };
}
