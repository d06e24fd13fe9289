/**
 * `formatProblems`: whether an episode followed its tool-call format, turn by turn, as the format
 * verifier and the format bonus judge it.
 */
import type { Episode, Parser } from "../types.ts";

/**
 * Lists what is wrong with the format of an episode's model turns; empty when every turn before the
 * last made well-formed calls, the last gave a final answer, and the episode ended by itself.
 *
 * @example
 * ```ts
 * formatProblems(episode, parsers.submit); // [] or ["turn 1: bad_json: ..."]
 * ```
 */
export function formatProblems(
  episode: Episode,
  parser: Parser,
  options: { toolNames?: readonly string[] } = {},
): string[] {
  const problems: string[] = [];
  const turns = episode.segments.filter((segment) => segment.role === "model");
  if (turns.length === 0) return ["the model wrote nothing"];
  turns.forEach((segment, index) => {
    const parsed = parser.parse(segment.text, options.toolNames);
    for (const error of parsed.errors) problems.push(`turn ${index + 1}: ${error.kind}: ${error.message}`);
    const last = index === turns.length - 1;
    if (!last && parsed.calls.length === 0 && parsed.errors.length === 0) {
      problems.push(`turn ${index + 1}: neither a tool call nor the last turn`);
    }
    if (last && parsed.final === null) problems.push(`turn ${index + 1}: the last turn gives no final answer`);
  });
  if (episode.status !== "done") problems.push(`the episode ended with status "${episode.status}"`);
  return problems;
}
