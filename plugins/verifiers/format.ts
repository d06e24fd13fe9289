/** `formatMatch`: whether an episode followed its tool-call format (see `formatProblems`). */
import { defineVerifier } from "../../core/plugin/define_verifier.ts";
import { formatProblems } from "../../core/plugin/format_check.ts";
import { getParser } from "../../core/formats/mod.ts";
import type { FormatName, Parser, Verifier } from "../../core/types.ts";

/**
 * 1 when every model turn is well formed for the format (calls before, a final answer last, the
 * episode ended by itself), else 0.
 *
 * @example
 * ```ts
 * const verifier = formatMatch("hermes", { toolNames: ["search"] });
 * ```
 */
export function formatMatch(format: FormatName | Parser, options: { toolNames?: readonly string[] } = {}): Verifier {
  const parser = typeof format === "string" ? getParser(format) : format;
  return defineVerifier({
    name: `format_${parser.name}`,
    score: (episode) => (formatProblems(episode, parser, options).length === 0 ? 1 : 0),
  });
}
