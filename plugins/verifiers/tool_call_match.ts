/**
 * `toolCallMatch`: the model's tool calls against expected calls, by the BFCL AST rules:
 * - an expected call is `{ functionName: { param: [acceptable values...] } }`; `""` among the values
 *   marks the parameter optional (this marker wins over a schema's `required`, as some gold answers
 *   make required parameters optional);
 * - an object among acceptable values is a template `{ key: [acceptable values...] }` (BFCL's dicts);
 * - strings compare lower-cased with spaces and `, . / - _ * ^` removed; an int is accepted for a float;
 * - calls match in any order (parallel), counts must agree, and no expected call means no call at all
 *   (irrelevance); a function name may use `_` for `.`, as OpenAI-style names must.
 */
import { defineVerifier } from "../../core/plugin/define_verifier.ts";
import type { Episode, ParsedCall, Parser, Sample, Verifier } from "../../core/types.ts";

/** One expected call: the function's name mapped to each parameter's acceptable values. */
export type ExpectedCall = Record<string, Record<string, unknown[]>>;

/** A function description in BFCL's format (only the parameter names are read). */
export interface FunctionDoc {
  name: string;
  parameters?: { properties?: Record<string, unknown> };
}

/** The verdict of {@link matchToolCalls}: `reason` says what failed. */
export type MatchResult = { ok: true } | { ok: false; reason: string };

const STRIPPED = /[ ,./\-_*^]/g;

/** BFCL's string standardisation. */
function standardize(text: string): string {
  return text.replace(STRIPPED, "").toLowerCase().replaceAll("'", '"');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Whether `value` equals a literal acceptable value; objects inside are templates. */
function equalsLiteral(value: unknown, expected: unknown): boolean {
  if (isObject(expected)) return matchesTemplate(value, expected);
  if (Array.isArray(expected)) {
    return Array.isArray(value) && value.length === expected.length &&
      value.every((item, i) => equalsLiteral(item, expected[i]));
  }
  if (typeof expected === "string") return typeof value === "string" && standardize(value) === standardize(expected);
  return value === expected;
}

/** Whether a value is one of the acceptable values (`""` marks optional, never a value to match). */
function acceptable(value: unknown, values: readonly unknown[]): boolean {
  return values.some((expected) => expected !== "" && equalsLiteral(value, expected));
}

/** Whether an object matches a `{ key: [acceptable...] }` template (a non-list entry is one literal value). */
function matchesTemplate(value: unknown, template: Record<string, unknown>): boolean {
  if (!isObject(value)) return false;
  for (const [key, item] of Object.entries(value)) {
    if (!(key in template)) return false;
    const values = template[key];
    if (!(Array.isArray(values) ? acceptable(item, values) : equalsLiteral(item, values))) return false;
  }
  return Object.entries(template).every(([key, values]) =>
    key in value || (Array.isArray(values) && values.includes(""))
  );
}

/** The one `[name, params]` of an expected call; throws on a malformed one (a data error, not a model error). */
function entryOf(expected: ExpectedCall): [string, Record<string, unknown[]>] {
  const entries = isObject(expected) ? Object.entries(expected) : [];
  if (entries.length !== 1 || !isObject(entries[0][1])) {
    throw new Error(`expected call ${JSON.stringify(expected)} must be { functionName: { param: [values...] } }.`);
  }
  return entries[0];
}

/** Why `call` does not match `expected` (or null when it does). */
function mismatch(call: ParsedCall, expected: ExpectedCall, functions?: readonly FunctionDoc[]): string | null {
  const [name, params] = entryOf(expected);
  if (call.name !== name && call.name !== name.replaceAll(".", "_")) return `called ${call.name}, expected ${name}`;
  if (!isObject(call.arguments)) return `${name} got arguments ${JSON.stringify(call.arguments)}, not an object`;
  const properties = functions?.find((doc) => doc.name === name)?.parameters?.properties;
  for (const [param, value] of Object.entries(call.arguments)) {
    if (!(param in params) || (properties && !(param in properties))) {
      return `${name} got an unexpected argument "${param}"`;
    }
    if (!acceptable(value, params[param])) {
      return `${name}: ${param} = ${JSON.stringify(value)} is not one of ${JSON.stringify(params[param])}`;
    }
  }
  for (const [param, values] of Object.entries(params)) {
    if (!(param in call.arguments) && !values.includes("")) {
      return `${name} is missing the required argument "${param}"`;
    }
  }
  return null;
}

/**
 * Whether the calls match the expected calls in some order (every call used once).
 *
 * @example
 * ```ts
 * matchToolCalls([{ name: "math.factorial", arguments: { number: 5 } }], [{ "math.factorial": { number: [5] } }]);
 * // { ok: true }
 * ```
 */
export function matchToolCalls(
  calls: readonly ParsedCall[],
  expected: readonly ExpectedCall[],
  options: { functions?: readonly FunctionDoc[] } = {},
): MatchResult {
  if (calls.length !== expected.length) {
    return { ok: false, reason: `made ${calls.length} call(s), expected ${expected.length}` };
  }
  const fits = expected.map((want) => calls.map((call) => mismatch(call, want, options.functions)));
  const used = new Array<boolean>(calls.length).fill(false);
  const assign = (i: number): boolean => {
    if (i === expected.length) return true;
    for (let j = 0; j < calls.length; j++) {
      if (used[j] || fits[i][j] !== null) continue;
      used[j] = true;
      if (assign(i + 1)) return true;
      used[j] = false;
    }
    return false;
  };
  if (assign(0)) return { ok: true };
  const unmatched = fits.findIndex((row) => row.every((reason) => reason !== null));
  const reasons = unmatched === -1 ? ["no assignment of calls to expected calls fits all"] : fits[unmatched];
  return { ok: false, reason: reasons.join("; ") };
}

/** Renders values: the first acceptable value of each parameter; optional ones are left out. */
function firstValue(values: readonly unknown[]): { value: unknown } | null {
  if (values.includes("")) return null;
  return { value: render(values[0]) };
}

function render(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(render);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, values] of Object.entries(value)) {
    const first = Array.isArray(values) ? firstValue(values) : { value: values };
    if (first) out[key] = first.value;
  }
  return out;
}

/**
 * Expected calls rendered as concrete calls: the first acceptable value per parameter, optional ones left out.
 *
 * @example
 * ```ts
 * renderExpectedCalls([{ "math.hypot": { x: [4], y: [5], z: ["", 0] } }]); // [{ name: "math.hypot", arguments: { x: 4, y: 5 } }]
 * ```
 */
export function renderExpectedCalls(expected: readonly ExpectedCall[]): ParsedCall[] {
  return expected.map((call) => {
    const [name, params] = entryOf(call);
    return { name, arguments: render(params) };
  });
}

const PARSE_ERRORS = new Set(["bad_json", "bad_format", "missing_tag", "unclosed"]);

/** The episode's calls: parsed from every model turn with `parser`, or its call records; null on a malformed call. */
function callsOf(episode: Episode, parser?: Parser): ParsedCall[] | null {
  if (!parser) {
    if (episode.calls.some((record) => record.error !== null && PARSE_ERRORS.has(record.error))) return null;
    return episode.calls.map((record) => ({ name: record.name, arguments: record.arguments }));
  }
  const calls: ParsedCall[] = [];
  for (const segment of episode.segments) {
    if (segment.role !== "model") continue;
    const parsed = parser.parse(segment.text);
    if (parsed.errors.length > 0) return null;
    calls.push(...parsed.calls);
  }
  return calls;
}

/**
 * 1 when the episode's calls match `sample.answer` (a list of {@link ExpectedCall}; empty for
 * irrelevance) under the BFCL rules, else 0; `sample.functions` (BFCL function docs) adds the check
 * that every argument is a documented parameter.
 *
 * @example
 * ```ts
 * const verifier = toolCallMatch({ parser: hermesParser });
 * ```
 */
export function toolCallMatch(options: { parser?: Parser } = {}): Verifier {
  return defineVerifier({
    name: "tool_call_match",
    score: (episode, sample: Sample) => {
      if (!Array.isArray(sample.answer)) {
        throw new Error(
          `toolCallMatch: sample ${sample.id} needs answer = a list of expected calls, got ${
            JSON.stringify(sample.answer)
          }.`,
        );
      }
      const calls = callsOf(episode, options.parser);
      if (calls === null) return 0;
      const functions = Array.isArray(sample.functions) ? (sample.functions as FunctionDoc[]) : undefined;
      return matchToolCalls(calls, sample.answer as ExpectedCall[], { functions }).ok ? 1 : 0;
    },
  });
}
