/**
 * Where verifiers read answers: the last model turn of an episode, the final answer a parser finds
 * in it, the numbers in a text, and a sample's accepted answers.
 */
import type { Episode, Parser, Sample } from "../../core/types.ts";

/**
 * The text of the episode's last model turn, or `""` if the model wrote nothing.
 *
 * @example
 * ```ts
 * lastModelText(episode); // "Result = 9 <submit>"
 * ```
 */
export function lastModelText(episode: Episode): string {
  for (let i = episode.segments.length - 1; i >= 0; i--) {
    if (episode.segments[i].role === "model") return episode.segments[i].text;
  }
  return "";
}

/**
 * The final answer: what `parser` reads as `final` in the last model turn (null when it gave none),
 * or the whole last model turn when no parser is given.
 *
 * @example
 * ```ts
 * finalAnswer(episode, reactParser); // "9" from "Thought: done\nFinal Answer: 9"
 * ```
 */
export function finalAnswer(episode: Episode, parser?: Parser): string | null {
  const text = lastModelText(episode);
  if (!parser) return text.trim() === "" ? null : text;
  return parser.parse(text).final;
}

const NUMBER = /-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|-?\.\d+/g;

/**
 * The last number in a text (thousands separators allowed), or null.
 *
 * @example
 * ```ts
 * lastNumber("so the total is 1,234.5 apples"); // 1234.5
 * ```
 */
export function lastNumber(text: string): number | null {
  const found = text.match(NUMBER);
  return found ? Number(found[found.length - 1].replaceAll(",", "")) : null;
}

/**
 * A sample's accepted answers as strings: `answer` (a string, a number or a list of them) and any `aliases`.
 *
 * @example
 * ```ts
 * acceptedAnswers({ id: "1", question: "q", answer: "Paris", aliases: ["City of Light"] }); // ["Paris", "City of Light"]
 * ```
 */
export function acceptedAnswers(sample: Sample): string[] {
  const listed = [sample.answer, sample.aliases].flat();
  return listed.filter((a) => typeof a === "string" || typeof a === "number").map(String);
}
