/**
 * Helpers for writing tasks: a question's prompt, a tool call, a final answer, a worked example and the
 * few-shot block in any registered format. Each one
 * delegates to the format object (see core/formats), so a task written with them works in every format.
 */
import type { FormatName, ToolOutput } from "../types.ts";
import type { CallSpec, Format } from "../formats/types.ts";
import { getFormat } from "../formats/registry.ts";

export { hermesSystemPrompt } from "../formats/hermes.ts";

/** A format object, or the one registered under a name. */
function formatOf(format: FormatName | Format): Format {
  return typeof format === "string" ? getFormat(format) : format;
}

/**
 * A short prompt asking `question` in `format`, ending where the model starts writing.
 *
 * @example
 * ```ts
 * questionPrompt("What is 13 - 4?", "react"); // "Question: What is 13 - 4?\n"
 * ```
 */
export function questionPrompt(question: string, format: FormatName | Format): string {
  return formatOf(format).question(question);
}

/**
 * A model turn making one call, ending where generation stops in that format.
 *
 * @example
 * ```ts
 * callTurn("submit", { name: "calculator", arguments: { expression: "13 - 4" }, query: "13 - 4" });
 * // "<request><calculator>13 - 4<call>"
 * ```
 */
export function callTurn(format: FormatName | Format, call: CallSpec): string {
  return formatOf(format).call(call);
}

/**
 * The last model turn: the answer, closed as the format closes an answer.
 *
 * @example
 * ```ts
 * finalTurn("react", "9", { thought: "done" }); // "Thought: done\nFinal Answer: 9"
 * ```
 */
export function finalTurn(format: FormatName | Format, answer: string, options: { thought?: string } = {}): string {
  return formatOf(format).final(answer, options);
}

/**
 * A worked example for a few-shot block: the question, one call, the tool's result as the format writes it
 * back, and `answer` (a final turn already written in the format).
 *
 * @example
 * ```ts
 * workedExample("submit", { question: "What is 1 + 1?", call, result: "2", answer: "Result = 2 <submit>" });
 * // "What is 1 + 1?\n<request><calculator>1 + 1<call>2<response>Result = 2 <submit>"
 * ```
 */
export function workedExample(
  format: FormatName | Format,
  example: { question: string; call: CallSpec; result: string; answer: string },
): string {
  const fmt = formatOf(format);
  const turn = fmt.call(example.call);
  const output: ToolOutput = { name: example.call.name, text: example.result, error: null };
  return fmt.question(example.question) + turn + fmt.renderResults([output], turn) + example.answer;
}
