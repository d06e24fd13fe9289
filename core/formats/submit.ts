/**
 * The `submit` format of TRL's TextEnvironment: a call is `<request><ToolName>query<call>`, the
 * tool's result comes back as `result<response>`, and the answer ends with `<submit>`. Prompts are the
 * bare question; few-shot blocks are the worked examples without a tools header.
 */
import type { ParsedCall, ParseError, Parser, ParseResult, ToolOutput } from "../types.ts";
import type { Format } from "./types.ts";
import { unknownTool } from "./parse_helpers.ts";

const REQUEST = "<request>";
const CALL = "<call>";
const RESPONSE = "<response>";
const SUBMIT = "<submit>";
const TOOL_TAG = /^\s*<([^<>\s]+)>/;

/**
 * The submit format: reads calls (`arguments` is the raw query string) and the text before `<submit>` as the answer.
 *
 * @example
 * ```ts
 * submitFormat.parse("<request><Calculator>2+2<call>").calls; // [{ name: "Calculator", arguments: "2+2", offset: 0 }]
 * submitFormat.call({ name: "Calculator", arguments: {}, query: "2+2" }); // "<request><Calculator>2+2<call>"
 * ```
 */
export const submitFormat: Format = {
  name: "submit",
  stop: [CALL, SUBMIT],
  specialTokens: [REQUEST, CALL, RESPONSE, SUBMIT],
  argumentsAsText: true,
  parse: parseSubmit,
  renderResults,
  question: (question) => `${question}\n`,
  call: (call) => `${REQUEST}<${call.name}>${call.query ?? JSON.stringify(call.arguments)}${CALL}`,
  final: (answer) => `${answer} ${SUBMIT}`,
  toolsHeader: () => "",
  fewShot: (_tools, examples) => `${examples.join("\n\n")}\n\n`,
  writeCalls: (calls, content) =>
    content + calls.map((call) => {
      const args = call.arguments as Record<string, unknown> | string;
      const query = typeof args === "string" ? args : Object.values(args ?? {})[0];
      return `${REQUEST}<${call.name}>${String(query ?? "")}${CALL}`;
    }).join(""),
  wroteToolOutput: (text) => text.includes(RESPONSE),
};

/** The submit format's parser (the format object itself). */
export const submitParser: Parser = submitFormat;

function parseSubmit(text: string, toolNames?: readonly string[]): ParseResult {
  const submitAt = text.indexOf(SUBMIT);
  const body = submitAt === -1 ? text : text.slice(0, submitAt);
  const calls: ParsedCall[] = [];
  const errors: ParseError[] = [];
  let i = 0;
  let requestAt = body.indexOf(REQUEST);
  let callAt = body.indexOf(CALL);
  while (i < body.length) {
    if (requestAt !== -1 && requestAt < i) requestAt = body.indexOf(REQUEST, i);
    if (callAt !== -1 && callAt < i) callAt = body.indexOf(CALL, i);
    if (callAt !== -1 && (requestAt === -1 || callAt < requestAt)) {
      const stretch = { text: body.slice(i, callAt + CALL.length), offset: i };
      errors.push({ kind: "missing_tag", message: `${CALL} without a ${REQUEST} before it`, ...stretch });
      i = callAt + CALL.length;
      continue;
    }
    if (requestAt === -1) break;
    if (callAt === -1) {
      const stretch = { text: body.slice(requestAt), offset: requestAt };
      errors.push({ kind: "unclosed", message: `${REQUEST} is never closed with ${CALL}`, ...stretch });
      break;
    }
    const start = body.lastIndexOf(REQUEST, callAt);
    if (start > requestAt) {
      const stretch = { text: body.slice(requestAt, start), offset: requestAt };
      errors.push({ kind: "unclosed", message: `${REQUEST} is never closed with ${CALL}`, ...stretch });
    }
    readCall(body.slice(start, callAt + CALL.length), start, toolNames, calls, errors);
    i = callAt + CALL.length;
  }
  return { calls, final: submitAt === -1 ? null : answerBefore(body), errors };
}

/** Reads one `<request><Tool>query<call>` stretch starting at `offset`. */
function readCall(
  stretch: string,
  offset: number,
  toolNames: readonly string[] | undefined,
  calls: ParsedCall[],
  errors: ParseError[],
): void {
  const inner = stretch.slice(REQUEST.length, stretch.length - CALL.length);
  const tag = TOOL_TAG.exec(inner);
  if (!tag) {
    const message = `${REQUEST} must start with the tool's name in a tag, as in ${REQUEST}<Calculator>2+2${CALL}`;
    errors.push({ kind: "missing_tag", message, text: stretch, offset });
    return;
  }
  const unknown = unknownTool(tag[1], toolNames, { text: stretch, offset });
  if (unknown) errors.push(unknown);
  else calls.push({ name: tag[1], arguments: inner.slice(tag[0].length), offset });
}

/** The answer: the text before `<submit>`, after the last tool exchange. */
function answerBefore(body: string): string {
  return body.slice(Math.max(endOf(body, RESPONSE), endOf(body, CALL))).trim();
}

/** Index just past the last `tag` in `text`, or 0. */
function endOf(text: string, tag: string): number {
  const at = text.lastIndexOf(tag);
  return at === -1 ? 0 : at + tag.length;
}

/** Writes each result followed by `<response>`, as TRL does. */
function renderResults(outputs: ToolOutput[]): string {
  return outputs.map((output) => output.text + RESPONSE).join("");
}
