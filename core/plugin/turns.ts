/**
 * Helpers for writing tasks: a question's prompt, a tool call, a final answer, in each of the three
 * formats, and the tool result a reference solver reads back. They write exactly what core/parsers read.
 */
import type { FormatName, Tool, ToolOutput } from "../types.ts";
import { getParser } from "../parsers/index.ts";
import { toolSchemas } from "./tool_schemas.ts";

/** One call as a solver writes it; `query` is the raw text of the `submit` format (default: the JSON of the arguments). */
export interface CallSpec {
  name: string;
  arguments: Record<string, unknown>;
  query?: string;
}

/**
 * A short prompt asking `question`: the bare question (submit), a ChatML user turn opening the assistant
 * turn (hermes), or `Question: ...` (react); each ends where the model starts writing.
 *
 * @example
 * ```ts
 * questionPrompt("What is 13 - 4?", "react"); // "Question: What is 13 - 4?\n"
 * ```
 */
export function questionPrompt(question: string, format: FormatName): string {
  if (format === "hermes") return `<|im_start|>user\n${question}<|im_end|>\n<|im_start|>assistant\n`;
  if (format === "react") return `Question: ${question}\n`;
  return `${question}\n`;
}

/**
 * A system turn listing the tools as Qwen2.5/Hermes chat templates do, for few-shot hermes prompts.
 *
 * @example
 * ```ts
 * hermesSystemPrompt([calculatorTool()]); // "<|im_start|>system\n...<tools>\n{...}\n</tools>...<|im_end|>\n"
 * ```
 */
export function hermesSystemPrompt(tools: readonly Tool[]): string {
  const listed = toolSchemas(tools).map((schema) => JSON.stringify(schema)).join("\n");
  return `<|im_start|>system\nYou may call tools. Their signatures:\n<tools>\n${listed}\n</tools>\n` +
    `For each call write <tool_call>{"name": <name>, "arguments": <args>}</tool_call>.<|im_end|>\n`;
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
export function callTurn(format: FormatName, call: CallSpec): string {
  const json = JSON.stringify(call.arguments);
  if (format === "hermes") {
    return `<tool_call>${JSON.stringify({ name: call.name, arguments: call.arguments })}</tool_call><|im_end|>`;
  }
  if (format === "react") return `Action: ${call.name}\nAction Input: ${json}\nObservation:`;
  return `<request><${call.name}>${call.query ?? json}<call>`;
}

/**
 * The last model turn: the answer, closed as the format closes an answer.
 *
 * @example
 * ```ts
 * finalTurn("react", "9", { thought: "done" }); // "Thought: done\nFinal Answer: 9"
 * ```
 */
export function finalTurn(format: FormatName, answer: string, options: { thought?: string } = {}): string {
  if (format === "hermes") return `${answer}<|im_end|>`;
  if (format === "react") return `${options.thought ? `Thought: ${options.thought}\n` : ""}Final Answer: ${answer}`;
  return `${answer} <submit>`;
}

const MARK = "\u0000";

/**
 * The text of the tool result after the model turn `modelTurn` in `responseSoFar`, or null when the
 * response does not continue that turn with a result (yet). When the response ends with the result (a
 * solver's case) the result is read whole, even over several lines; otherwise it ends where the format's
 * closing text first appears (for react, at the end of its line).
 *
 * @example
 * ```ts
 * readToolResult("submit", "<request><calculator>13 - 4<call>", "<request><calculator>13 - 4<call>9<response>"); // "9"
 * ```
 */
export function readToolResult(format: FormatName, modelTurn: string, responseSoFar: string): string | null {
  const at = responseSoFar.indexOf(modelTurn);
  if (at === -1) return null;
  const output: ToolOutput = { name: "", text: MARK, error: null };
  const [before, after] = getParser(format).renderResults([output], modelTurn).split(MARK);
  const rest = responseSoFar.slice(at + modelTurn.length);
  if (!rest.startsWith(before)) return null;
  if (rest.length >= before.length + after.length && rest.endsWith(after)) {
    return rest.slice(before.length, rest.length - after.length);
  }
  const end = rest.indexOf(after, before.length);
  return end === -1 ? null : rest.slice(before.length, end);
}
