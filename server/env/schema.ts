/** The valibot schemas of an environment's action, observation and state, and their JSON Schemas for `GET /schema`. */
import * as v from "valibot";
import { toJsonSchema } from "@valibot/to-json-schema";

/** A step's action: the model's raw text, or structured calls. */
export const Action = v.union([
  v.object({ text: v.string() }),
  v.object({
    tool_calls: v.array(v.object({ name: v.string(), arguments: v.unknown() })),
    content: v.optional(v.string()),
  }),
]);

/** Why `action` is not an {@link Action} (one sentence naming it), or undefined when it is one: `actionProblem({ text: "hi" })` is undefined. */
export function actionProblem(action: unknown): string | undefined {
  if (v.is(Action, action)) return undefined;
  return `action ${JSON.stringify(action)?.slice(0, 200)} must be {text} or {tool_calls: [{name, arguments}], content?}`;
}

/** What reset and step observe. */
export const Observation = v.object({
  prompt: v.optional(v.string()),
  question: v.optional(v.string()),
  tools: v.optional(v.array(v.unknown())),
  format: v.optional(v.string()),
  text: v.optional(v.string()),
  tool_results: v.optional(v.array(v.object({ name: v.string(), text: v.string(), error: v.nullable(v.string()) }))),
  done: v.optional(v.boolean()),
  metadata: v.optional(v.record(v.string(), v.unknown())),
});

/** OpenEnv's state. */
export const State = v.object({ episode_id: v.nullable(v.string()), step_count: v.number() });

const json = (schema: Parameters<typeof toJsonSchema>[0]) => toJsonSchema(schema, { errorMode: "ignore" });
export const ACTION_SCHEMA = json(Action);
export const OBSERVATION_SCHEMA = json(Observation);
export const STATE_SCHEMA = json(State);
