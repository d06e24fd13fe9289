/**
 * The `hermes` format (Qwen2.5, NousResearch Hermes): calls are `<tool_call>{"name": ..., "arguments":
 * {...}}</tool_call>` blocks, several per turn; model turns are ChatML assistant turns ending with
 * `<|im_end|>`; results go back as one user turn of `<tool_response>` blocks, as Qwen2.5's template writes them.
 */
import type { ParsedCall, ParseError, Parser, ParseResult, ToolOutput } from "../types.ts";
import { isPlainObject, unknownTool } from "./_common.ts";
import { parseArguments } from "./_loose_json.ts";

const OPEN = "<tool_call>";
const CLOSE = "</tool_call>";
const IM_START = "<|im_start|>";
const IM_END = "<|im_end|>";
const ASSISTANT_HEADER = `${IM_START}assistant\n`;

/**
 * Reads every `<tool_call>` block of a turn; a turn without one is the final answer.
 *
 * @example
 * ```ts
 * hermesParser.parse('<tool_call>{"name": "add", "arguments": {"a": 1}}</tool_call><|im_end|>').calls;
 * // [{ name: "add", arguments: { a: 1 }, offset: 0 }]
 * ```
 */
export const hermesParser: Parser = createHermesParser();

/**
 * The hermes parser; `repairJson: true` also accepts single quotes, Python literals, trailing commas and a
 * ```json fence in the call (the default is strict JSON, as vLLM's and verl's hermes parsers read it).
 *
 * @example createHermesParser({ repairJson: true }).parse("<tool_call>{'name': 'a', 'arguments': {}}</tool_call>").calls.length; // 1
 */
export function createHermesParser(options: { repairJson?: boolean } = {}): Parser {
  const repair = options.repairJson ?? false;
  return {
    name: "hermes",
    stop: [IM_END],
    specialTokens: [OPEN, CLOSE, "<tool_response>", "</tool_response>", IM_START, IM_END],
    parse: (text, toolNames) => parseHermes(text, toolNames, repair),
    renderResults,
  };
}

function parseHermes(text: string, toolNames: readonly string[] | undefined, repair: boolean): ParseResult {
  const calls: ParsedCall[] = [];
  const errors: ParseError[] = [];
  let i = 0;
  let openAt = text.indexOf(OPEN);
  let closeAt = text.indexOf(CLOSE);
  while (i < text.length) {
    if (openAt !== -1 && openAt < i) openAt = text.indexOf(OPEN, i);
    if (closeAt !== -1 && closeAt < i) closeAt = text.indexOf(CLOSE, i);
    if (closeAt !== -1 && (openAt === -1 || closeAt < openAt)) {
      const stretch = { text: text.slice(i, closeAt + CLOSE.length), offset: i };
      errors.push({ kind: "missing_tag", message: `${CLOSE} without a ${OPEN} before it`, ...stretch });
      i = closeAt + CLOSE.length;
      continue;
    }
    if (openAt === -1) break;
    if (closeAt === -1) {
      const endAt = text.indexOf(IM_END, openAt);
      const stretch = { text: text.slice(openAt, endAt === -1 ? text.length : endAt), offset: openAt };
      errors.push({ kind: "unclosed", message: `${OPEN} is never closed with ${CLOSE}`, ...stretch });
      break;
    }
    const start = text.lastIndexOf(OPEN, closeAt);
    if (start > openAt) {
      const stretch = { text: text.slice(openAt, start), offset: openAt };
      errors.push({ kind: "unclosed", message: `${OPEN} is never closed with ${CLOSE}`, ...stretch });
    }
    const block = { text: text.slice(start, closeAt + CLOSE.length), offset: start };
    readBlock(text.slice(start + OPEN.length, closeAt), block, { toolNames, repair }, calls, errors);
    i = closeAt + CLOSE.length;
  }
  const final = calls.length === 0 && errors.length === 0 ? answerOf(text) : null;
  return { calls, final, errors };
}

/** Reads the JSON of one block: one call object, or a list of them. */
function readBlock(
  json: string,
  block: { text: string; offset: number },
  options: { toolNames: readonly string[] | undefined; repair: boolean },
  calls: ParsedCall[],
  errors: ParseError[],
): void {
  const parsed = parseArguments(json, options);
  if (!parsed.ok) {
    errors.push({ kind: "bad_json", message: `the ${OPEN} block is not JSON: ${parsed.message}`, ...block });
    return;
  }
  for (const value of Array.isArray(parsed.value) ? parsed.value : [parsed.value]) {
    const call = readCall(value, block, options);
    if ("kind" in call) errors.push(call);
    else calls.push(call);
  }
}

function readCall(
  value: unknown,
  block: { text: string; offset: number },
  options: { toolNames: readonly string[] | undefined; repair: boolean },
): ParsedCall | ParseError {
  const { toolNames } = options;
  const example = `as in ${OPEN}{"name": "search", "arguments": {"query": "..."}}${CLOSE}`;
  if (!isPlainObject(value)) {
    return { kind: "bad_format", message: `a tool call must be a JSON object, ${example}`, ...block };
  }
  const name = typeof value.name === "string" ? value.name.trim() : "";
  if (name === "") return { kind: "bad_format", message: `the tool call has no "name", ${example}`, ...block };
  let args = "arguments" in value ? value.arguments : value.parameters;
  if (args === undefined) {
    return { kind: "bad_format", message: `the call of ${name} has no "arguments", ${example}`, ...block };
  }
  if (typeof args === "string") {
    const inner = parseArguments(args, options);
    if (!inner.ok) {
      return { kind: "bad_json", message: `the arguments of ${name} are not JSON: ${inner.message}`, ...block };
    }
    args = inner.value;
  }
  if (!isPlainObject(args)) {
    return { kind: "bad_format", message: `the arguments of ${name} must be a JSON object, ${example}`, ...block };
  }
  return unknownTool(name, toolNames, block) ?? { name, arguments: args, offset: block.offset };
}

/** The assistant turn's content without its ChatML markers. */
function answerOf(text: string): string {
  const body = text.startsWith(ASSISTANT_HEADER) ? text.slice(ASSISTANT_HEADER.length) : text;
  const endAt = body.indexOf(IM_END);
  return (endAt === -1 ? body : body.slice(0, endAt)).trim();
}

/** Closes the assistant turn, writes one user turn of `<tool_response>` blocks, and opens the next assistant turn. */
function renderResults(outputs: ToolOutput[], modelText: string): string {
  const close = modelText.endsWith(IM_END) ? "" : IM_END;
  const blocks = outputs.map((output) => `\n<tool_response>\n${output.text}\n</tool_response>`).join("");
  return `${close}\n${IM_START}user${blocks}${IM_END}\n${ASSISTANT_HEADER}`;
}
