/**
 * `fromJsonSchema`: a valibot schema from the JSON Schema a toolrl tool server lists under `GET /tools`
 * (the subset `@valibot/to-json-schema` writes), so remote tools validate arguments before the request
 * and show the model the same signature as the server's. Anything outside the subset becomes `unknown`.
 *
 * The schema comes from another server, so it is bounded before it is used: nesting deeper than
 * `MAX_SCHEMA_DEPTH`, and `pattern`s that could backtrack catastrophically (a repeated group that repeats
 * inside, e.g. `^(a+)+$`; back-references; longer than `MAX_PATTERN_LENGTH`), are refused with an error
 * naming where they are. Regular expressions cannot be interrupted once running, so refusing is the bound.
 */
import * as v from "valibot";

type Schema = v.GenericSchema<unknown, unknown>;
type Json = Record<string, unknown>;

/** Deepest nesting of schema nodes accepted from a remote server (each property, item or level counts one). */
export const MAX_SCHEMA_DEPTH = 32;
/** Longest `pattern` accepted from a remote server, in characters. */
export const MAX_PATTERN_LENGTH = 512;

/**
 * Why `pattern` could take exponential time on a short input, or null: a group with a repeating quantifier
 * inside that is itself repeated (star height 2, as `(a+)+` or `(a*b?)*`), or a back-reference.
 */
export function riskyPattern(pattern: string): string | null {
  if (pattern.length > MAX_PATTERN_LENGTH) return `it is longer than ${MAX_PATTERN_LENGTH} characters`;
  const repeats = (at: number) => {
    const next = pattern[at];
    if (next === "*" || next === "+") return true;
    const braces = /^\{(\d*)(,?)(\d*)\}/.exec(pattern.slice(at));
    return braces !== null && (braces[2] === "," ? braces[3] === "" || Number(braces[3]) > 1 : Number(braces[1]) > 1);
  };
  const groups: boolean[] = []; // per open group: whether something inside it repeats
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === "\\") {
      if (/[1-9k]/.test(pattern[i + 1] ?? "")) return "it uses a back-reference";
      i += 1;
    } else if (char === "[") {
      for (i += 1; i < pattern.length && pattern[i] !== "]"; i++) if (pattern[i] === "\\") i += 1;
    } else if (char === "(") groups.push(false);
    else if (char === ")") {
      const inner = groups.pop() ?? false;
      if (inner && repeats(i + 1)) return "a repeated group repeats inside (nested quantifiers)";
      if ((inner || repeats(i + 1)) && groups.length > 0) groups[groups.length - 1] = true;
    } else if (repeats(i) && groups.length > 0) groups[groups.length - 1] = true;
  }
  return null;
}

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
 * Converts one JSON Schema node; throws on a schema nested too deep or a risky pattern, naming where
 * (`path`, default "parameters").
 *
 * @example
 * ```ts
 * const schema = fromJsonSchema({ type: "object", properties: { q: { type: "string" } }, required: ["q"] });
 * v.parse(schema, { q: "x" }); // { q: "x" }
 * ```
 */
export function fromJsonSchema(node: unknown, path = "parameters", depth = 0): Schema {
  if (typeof node !== "object" || node === null) return v.unknown();
  if (depth >= MAX_SCHEMA_DEPTH) {
    throw new Error(`the schema nests deeper than ${MAX_SCHEMA_DEPTH} levels at ${path.slice(0, 200)}; refused`);
  }
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
      const risk = typeof json.pattern === "string" ? riskyPattern(json.pattern) : null;
      if (risk) {
        throw new Error(`the pattern ${JSON.stringify(String(json.pattern).slice(0, 100))} at ${path} could take exponential time: ${risk}; refused`);
      }
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
      return piped(v.array(fromJsonSchema(json.items, `${path}.items`, depth + 1)), json, actions);
    }
    case "object": {
      const required = new Set(Array.isArray(json.required) ? json.required : []);
      const properties = (typeof json.properties === "object" && json.properties !== null ? json.properties : {}) as Json;
      const entries = Object.fromEntries(
        Object.entries(properties).map(([key, child]) => {
          const schema = fromJsonSchema(child, `${path}.properties.${key}`, depth + 1);
          return [key, required.has(key) ? schema : v.optional(schema)];
        }),
      );
      return piped(v.looseObject(entries), json, actions);
    }
    default:
      return v.unknown();
  }
}
