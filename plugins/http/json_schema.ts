/**
 * `fromJsonSchema`: a valibot schema from the JSON Schema a toolrl tool server lists under `GET /tools`
 * (the subset `@valibot/to-json-schema` writes), so remote tools validate arguments before the request
 * and show the model the same signature as the server's. Anything outside the subset becomes `unknown`.
 */
import * as v from "valibot";

type Schema = v.GenericSchema<unknown, unknown>;
type Json = Record<string, unknown>;

/** A JSON Schema pattern as a RegExp (Unicode mode where it compiles), or null: the server still checks it. */
function toRegExp(pattern: string): RegExp | null {
  for (const flags of ["u", ""]) {
    try {
      return new RegExp(pattern, flags);
    } catch { /* try the next mode */ }
  }
  return null;
}

function piped(base: Schema, node: Json, actions: unknown[]): Schema {
  if (typeof node.description === "string") actions.push(v.description(node.description));
  return actions.length === 0 ? base : (v.pipe as unknown as (...items: unknown[]) => Schema)(base, ...actions);
}

/**
 * Converts one JSON Schema node.
 *
 * @example
 * ```ts
 * const schema = fromJsonSchema({ type: "object", properties: { q: { type: "string" } }, required: ["q"] });
 * v.parse(schema, { q: "x" }); // { q: "x" }
 * ```
 */
export function fromJsonSchema(node: unknown): Schema {
  if (typeof node !== "object" || node === null) return v.unknown();
  const json = node as Json;
  const actions: unknown[] = [];
  const num = (key: string) => (typeof json[key] === "number" ? json[key] as number : null);
  if (Array.isArray(json.enum) && json.enum.length > 0 && json.enum.every((item) => typeof item === "string")) {
    return piped(v.picklist(json.enum as string[]), json, actions);
  }
  switch (json.type) {
    case "string": {
      if (num("minLength") !== null) actions.push(v.minLength(num("minLength")!));
      if (num("maxLength") !== null) actions.push(v.maxLength(num("maxLength")!));
      const pattern = typeof json.pattern === "string" ? toRegExp(json.pattern) : null;
      if (pattern) actions.push(v.regex(pattern));
      return piped(v.string(), json, actions);
    }
    case "number":
    case "integer": {
      if (json.type === "integer") actions.push(v.integer());
      if (num("minimum") !== null) actions.push(v.minValue(num("minimum")!));
      if (num("maximum") !== null) actions.push(v.maxValue(num("maximum")!));
      return piped(v.number(), json, actions);
    }
    case "boolean":
      return piped(v.boolean(), json, actions);
    case "array": {
      if (num("minItems") !== null) actions.push(v.minLength(num("minItems")!));
      if (num("maxItems") !== null) actions.push(v.maxLength(num("maxItems")!));
      return piped(v.array(fromJsonSchema(json.items)), json, actions);
    }
    case "object": {
      const required = new Set(Array.isArray(json.required) ? json.required : []);
      const properties = (typeof json.properties === "object" && json.properties !== null ? json.properties : {}) as Json;
      const entries = Object.fromEntries(
        Object.entries(properties).map(([key, child]) => [key, required.has(key) ? fromJsonSchema(child) : v.optional(fromJsonSchema(child))]),
      );
      return piped(v.looseObject(entries), json, actions);
    }
    default:
      return v.unknown();
  }
}
