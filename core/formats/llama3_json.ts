/**
 * The `llama3_json` format (Llama 3.1/3.2 JSON tool calls): a model turn that is a JSON object
 * `{"name": ..., "parameters": {...}}` (optionally after `<|python_tag|>`; several joined by `;`) is a call,
 * ending with `<|eom_id|>` or `<|eot_id|>`; any other turn is the final answer. Results go back in an `ipython`
 * turn, as Llama 3.1's template writes a `tool` message. Prompts are a user turn opening the assistant turn.
 */
import type { ParsedCall, ParseError, Parser, ParseResult, Tool, ToolOutput } from "../types.ts";
import type { Format } from "./types.ts";
import { toolSchemas } from "../plugin/tool_schemas.ts";
import { isPlainObject, unknownTool } from "./parse_helpers.ts";
import { looseJson } from "./loose_json.ts";

const EOT = "<|eot_id|>";
const EOM = "<|eom_id|>";
const PYTHON_TAG = "<|python_tag|>";
const header = (role: string) => `<|start_header_id|>${role}<|end_header_id|>\n\n`;

/**
 * The Llama 3.1 JSON format: reads a JSON tool call turn; a turn that does not start with `{` is the final answer.
 *
 * @example
 * ```ts
 * llama3JsonFormat.parse('{"name": "add", "parameters": {"a": 1}}<|eom_id|>').calls;
 * // [{ name: "add", arguments: { a: 1 }, offset: 0 }]
 * ```
 */
export const llama3JsonFormat: Format = {
  name: "llama3_json",
  stop: [EOT, EOM],
  specialTokens: [EOT, EOM, PYTHON_TAG, "<|start_header_id|>", "<|end_header_id|>"],
  argumentsAsText: false,
  parse: parseLlama3Json,
  renderResults,
  question: (question) => `${header("user")}${question}${EOT}${header("assistant")}`,
  call: (call) => `${JSON.stringify({ name: call.name, parameters: call.arguments })}${EOM}`,
  final: (answer) => `${answer}${EOT}`,
  toolsHeader,
  fewShot: (tools, examples) => toolsHeader(tools) + examples.join(""),
  wroteToolOutput: (text) => text.includes(header("ipython")),
};

/** The Llama 3.1 JSON format's parser (the format object itself). */
export const llama3JsonParser: Parser = llama3JsonFormat;

/** A system turn listing the tools' function schemas and how to call them. */
function toolsHeader(tools: readonly Tool[]): string {
  const listed = toolSchemas(tools).map((schema) => JSON.stringify(schema)).join("\n");
  return `${header("system")}You may call tools. Answer a call with a JSON object ` +
    `{"name": <name>, "parameters": <args>}. The tools:\n${listed}${EOT}`;
}

function parseLlama3Json(text: string, toolNames?: readonly string[]): ParseResult {
  const body = bodyOf(text);
  const start = text.indexOf(body.trimStart());
  const content = body.trim().startsWith(PYTHON_TAG) ? body.trim().slice(PYTHON_TAG.length).trim() : body.trim();
  if (!content.startsWith("{")) return { calls: [], final: content, errors: [] };
  const calls: ParsedCall[] = [];
  const errors: ParseError[] = [];
  let offset = Math.max(start, 0);
  for (const piece of content.split(/;\s*(?=\{)/)) {
    const block = { text: piece, offset };
    offset += piece.length + 1;
    const parsed = looseJson(piece);
    if (!parsed.ok) {
      errors.push({ kind: "bad_json", message: `the tool call is not JSON: ${parsed.message}`, ...block });
      continue;
    }
    const call = readCall(parsed.value, block, toolNames);
    if ("kind" in call) errors.push(call);
    else calls.push(call);
  }
  return { calls, final: null, errors };
}

function readCall(value: unknown, block: { text: string; offset: number }, toolNames?: readonly string[]): ParsedCall | ParseError {
  const example = 'as in {"name": "search", "parameters": {"query": "..."}}';
  if (!isPlainObject(value)) return { kind: "bad_format", message: `a tool call must be a JSON object, ${example}`, ...block };
  const name = typeof value.name === "string" ? value.name.trim() : "";
  if (name === "") return { kind: "bad_format", message: `the tool call has no "name", ${example}`, ...block };
  let args = "parameters" in value ? value.parameters : value.arguments;
  if (typeof args === "string") {
    const inner = looseJson(args);
    args = inner.ok ? inner.value : args;
  }
  if (!isPlainObject(args)) {
    return { kind: "bad_format", message: `the "parameters" of ${name} must be a JSON object, ${example}`, ...block };
  }
  return unknownTool(name, toolNames, block) ?? { name, arguments: args, offset: block.offset };
}

/** The turn's content without the assistant header and the end-of-turn token. */
function bodyOf(text: string): string {
  const body = text.startsWith(header("assistant")) ? text.slice(header("assistant").length) : text;
  const ends = [body.indexOf(EOT), body.indexOf(EOM)].filter((at) => at !== -1);
  return ends.length === 0 ? body : body.slice(0, Math.min(...ends));
}

/** Closes the assistant turn, writes one `ipython` turn per result, and opens the next assistant turn. */
function renderResults(outputs: ToolOutput[], modelText: string): string {
  const close = modelText.endsWith(EOT) || modelText.endsWith(EOM) ? "" : EOT;
  const turns = outputs.map((output) => `${header("ipython")}${output.text}${EOT}`).join("");
  return `${close}${turns}${header("assistant")}`;
}
