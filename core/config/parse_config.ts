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
export function formatIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .map((issue) => {
      const path = v.getDotPath(issue);
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join("; ");
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
  if (!result.success) throw new Error(`Invalid ${options.what} (${formatIssues(result.issues)}); ${options.help}.`);
  const problems = options.check?.(result.output) ?? [];
  if (problems.length > 0) throw new Error(`Invalid ${options.what} (${problems.join("; ")}); ${options.help}.`);
  return result.output;
}
