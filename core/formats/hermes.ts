/**
 * The `hermes` format (Qwen2.5, NousResearch Hermes): calls are `<tool_call>{"name": ..., "arguments":
 * {...}}</tool_call>` blocks, several per turn; model turns are ChatML assistant turns ending with
 * `<|im_end|>`; results go back as one user turn of `<tool_response>` blocks, as Qwen2.5's template writes them.
 * Prompts are ChatML user turns; the tools header is a system turn listing the tools' function schemas.
 */
import type { ParsedCall, ParseError, Parser, ParseResult, Tool, ToolOutput } from "../types.ts";
import type { Format, TranscriptRenderer } from "./types.ts";
import { toolSchemas } from "../plugin/tool_schemas.ts";
import { isPlainObject, unknownTool } from "./parse_helpers.ts";
import { parseArguments } from "./loose_json.ts";

const OPEN = "<tool_call>";
const CLOSE = "</tool_call>";
const IM_START = "<|im_start|>";
const IM_END = "<|im_end|>";
const ASSISTANT_HEADER = `${IM_START}assistant\n`;
const RESPONSE_BLOCK = /<tool_response>\s*([\s\S]*?)\s*<\/tool_response>/g;

/**
 * The hermes format: reads every `<tool_call>` block of a turn (strict JSON); a turn without one is the final answer.
 *
 * @example
 * ```ts
 * hermesFormat.parse('<tool_call>{"name": "add", "arguments": {"a": 1}}</tool_call><|im_end|>').calls;
 * // [{ name: "add", arguments: { a: 1 }, offset: 0 }]
 * ```
 */
export const hermesFormat: Format = {
  ...createHermesParser(),
  argumentsAsText: false,
  lenient: createHermesParser({ repairJson: true }),
  question: (question) => `${IM_START}user\n${question}${IM_END}\n${ASSISTANT_HEADER}`,
  call: (call) => `${OPEN}${JSON.stringify({ name: call.name, arguments: call.arguments })}${CLOSE}${IM_END}`,
  final: (answer) => `${answer}${IM_END}`,
  toolsHeader: hermesSystemPrompt,
  fewShot: (tools, examples) => hermesSystemPrompt(tools) + examples.map((example) => `${example}\n`).join(""),
  writeCalls: (calls, content) =>
    content + calls.map((call) => `${OPEN}\n${JSON.stringify({ name: call.name, arguments: call.arguments })}\n${CLOSE}`).join("\n"),
  wroteToolOutput: (text) => text.includes("<tool_response>"),
  transcript: transcriptRenderer(),
};

/** The hermes format's strict parser (the format object itself). */
export const hermesParser: Parser = hermesFormat;

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
  return `${IM_START}system\nYou may call tools. Their signatures:\n<tools>\n${listed}\n</tools>\n` +
    `For each call write ${OPEN}{"name": <name>, "arguments": <args>}${CLOSE}.${IM_END}\n`;
}

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

/** ChatML transcripts: one `<|im_start|>role` turn each, tool results as `<tool_response>` blocks. */
function transcriptRenderer(): TranscriptRenderer {
  return {
    prompt: (turn, last) => `${IM_START}${turn.role}\n${turn.content}${IM_END}\n${last ? ASSISTANT_HEADER : ""}`,
    later: (turn, previous) =>
      `${previous.role === "model" ? "\n" : ""}${IM_START}${turn.role}\n${turn.content}${IM_END}\n${ASSISTANT_HEADER}`,
    model: (content) => (content.endsWith(IM_END) ? content : content + IM_END),
    outputs(turn) {
      const blocks = [...turn.content.matchAll(RESPONSE_BLOCK)].map((match) => match[1]);
      const texts = blocks.length > 0 ? blocks : [turn.content.trim()];
      return texts.map((text) => ({ name: turn.name ?? nameInJson(text) ?? "", text, error: null }));
    },
    reopen: `\n${ASSISTANT_HEADER}`,
  };
}

/** The `name` field of a JSON tool result (Hermes writes `{"name": ..., "content": ...}`), if any. */
function nameInJson(text: string): string | null {
  try {
    const value: unknown = JSON.parse(text);
    return isPlainObject(value) && typeof value.name === "string" ? value.name : null;
  } catch {
    return null;
  }
}
