/**
 * The one way settings are validated: a valibot schema parses them (filling in defaults), every issue is
 * written as `path: message`, and a failure throws one error that names what was read, lists the issues
 * and says where to look. The trainer's SFT, PPO, GRPO and run settings go through it; the tool-argument
 * checks of the rollout and the tool server write their issues with the same `formatIssues`.
 */
import * as v from "valibot";

/**
 * valibot issues as one line: `path: message` for each, `; `-separated (an issue about the whole value has no path).
 *
 * @example formatIssues(v.safeParse(v.object({ n: v.number() }), { n: "1" }).issues!); // "n: Invalid type: ..."
 */
export function formatIssues(issues: readonly v.BaseIssue<unknown>[], explain: (issue: v.BaseIssue<unknown>) => string = () => ""): string {
  return issues
    .map((issue) => {
      const path = v.getDotPath(issue);
      // valibot says `Invalid key: Expected never but received "step"` for a key a strict object does not take
      const message = isUnknownKey(issue) ? `unknown key ${JSON.stringify(issue.input)}${explain(issue)}` : issue.message;
      return path ? `${path}: ${message}` : message;
    })
    .join("; ");
}

function isUnknownKey(issue: v.BaseIssue<unknown>): boolean {
  return issue.type === "strict_object" && issue.expected === "never" && typeof issue.input === "string";
}

/** The keys the object schema at `keys` (below `schema`, through optional, nullable and pipe wrappers) takes. */
function keysAt(schema: unknown, keys: readonly unknown[]): string[] {
  let at = schema as { wrapped?: unknown; pipe?: unknown[]; entries?: Record<string, unknown> } | undefined;
  const unwrap = () => {
    while (at && (at.wrapped || at.pipe)) at = (at.wrapped ?? at.pipe![0]) as typeof at;
  };
  for (const key of keys) {
    unwrap();
    at = at?.entries?.[String(key)] as typeof at;
  }
  unwrap();
  return Object.keys(at?.entries ?? {});
}

/** Edit distance of two short strings: insertions, deletions, substitutions and swaps of neighbours. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** ` (did you mean "steps"?)` for an unknown key near one the schema takes, else "". */
function suggestKey(schema: unknown, issue: v.BaseIssue<unknown>): string {
  const given = String(issue.input);
  const keys = keysAt(schema, (issue.path ?? []).slice(0, -1).map((item) => item.key));
  const near = keys
    .map((key) => ({ key, d: distance(given.toLowerCase(), key.toLowerCase()) }))
    .filter(({ key, d }) => d <= Math.max(1, Math.floor(key.length / 3)))
    .sort((x, y) => x.d - y.d)[0];
  return near ? ` (did you mean ${JSON.stringify(near.key)}?)` : "";
}

/** What `parseConfig` says when the settings are wrong, and the checks a schema cannot express. */
export interface ParseConfigOptions<T> {
  /** What is being read, as the error names it: "PPO config", "training settings". */
  what: string;
  /** Where a user finds the fields, the end of the error: `run "toolrl train --help" for the options`. */
  help: string;
  /** Checks across fields on the parsed value; each returned string is one problem. */
  check?: (value: T) => string[];
}

/**
 * Parses `input` with `schema`, or throws `Invalid <what> (<issues>); <help>.` naming every offending field.
 *
 * @example
 * ```ts
 * const config = parseConfig(v.object({ steps: v.optional(v.number(), 10) }), {}, { what: "demo config", help: "see the docs" });
 * config.steps; // 10
 * ```
 */
export function parseConfig<S extends v.GenericSchema>(
  schema: S,
  input: unknown,
  options: ParseConfigOptions<v.InferOutput<S>>,
): v.InferOutput<S> {
  const result = v.safeParse(schema, input);
  if (!result.success) {
    const issues = formatIssues(result.issues, (issue) => suggestKey(schema, issue));
    throw new Error(`Invalid ${options.what} (${issues}); ${options.help}.`);
  }
  const problems = options.check?.(result.output) ?? [];
  if (problems.length > 0) throw new Error(`Invalid ${options.what} (${problems.join("; ")}); ${options.help}.`);
  return result.output;
}
