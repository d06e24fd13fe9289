/**
 * A Mistral-style tool-call format written only against toolrl's public API: the proof that formats are
 * open. A call turn is `[TOOL_CALLS][{"name": ..., "arguments": {...}}, ...]</s>` (several calls per turn),
 * results come back as `[TOOL_RESULTS]text[/TOOL_RESULTS]` blocks, the answer is plain text ending with `</s>`,
 * a prompt is `[INST] question [/INST]` and the tools header `[AVAILABLE_TOOLS][...schemas][/AVAILABLE_TOOLS]`.
 */
import { type Format, type ParsedCall, type ParseError, type ParseResult, type ToolOutput, toolSchemas } from "../../mod.ts";

const CALLS = "[TOOL_CALLS]";
const RESULTS = "[TOOL_RESULTS]";
const RESULTS_END = "[/TOOL_RESULTS]";
const EOS = "</s>";

/** The turn without its `</s>` and the text after it. */
function bodyOf(text: string): string {
  const end = text.indexOf(EOS);
  return (end === -1 ? text : text.slice(0, end)).trim();
}

/** Reads a `[TOOL_CALLS]` turn as calls (malformed ones as errors); any other turn is the final answer. */
function parse(text: string, toolNames?: readonly string[]): ParseResult {
  const body = bodyOf(text);
  if (!body.startsWith(CALLS)) return { calls: [], final: body, errors: [] };
  const offset = text.indexOf(CALLS);
  const where = { text: body, offset };
  let value: unknown;
  try {
    value = JSON.parse(body.slice(CALLS.length));
  } catch (error) {
    return { calls: [], final: null, errors: [{ kind: "bad_json", message: `${CALLS} is not followed by JSON: ${(error as Error).message}`, ...where }] };
  }
  const calls: ParsedCall[] = [];
  const errors: ParseError[] = [];
  for (const item of Array.isArray(value) ? value : [value]) {
    const { name, arguments: args } = (item ?? {}) as { name?: unknown; arguments?: unknown };
    if (typeof name !== "string" || typeof args !== "object" || args === null || Array.isArray(args)) {
      errors.push({ kind: "bad_format", message: `a call must be {"name": ..., "arguments": {...}}, got ${JSON.stringify(item)}`, ...where });
    } else if (toolNames && !toolNames.includes(name)) {
      errors.push({ kind: "unknown_tool", message: `unknown tool "${name}"; known tools: ${toolNames.join(", ")}`, ...where });
    } else {
      calls.push({ name, arguments: args, offset });
    }
  }
  return { calls, final: null, errors };
}

/** Closes the call turn and writes one `[TOOL_RESULTS]` block per result; the model's next turn follows directly. */
function renderResults(outputs: ToolOutput[], modelText: string): string {
  const close = modelText.endsWith(EOS) ? "" : EOS;
  return close + outputs.map((output) => `${RESULTS}${output.text}${RESULTS_END}`).join("");
}

/** The Mistral-style format object; register it with `registerFormat(mistralFormat)`. */
export const mistralFormat: Format = {
  name: "mistral",
  stop: [EOS],
  specialTokens: [CALLS, RESULTS, RESULTS_END, "[AVAILABLE_TOOLS]", "[/AVAILABLE_TOOLS]", "[INST]", "[/INST]", EOS],
  argumentsAsText: false,
  parse,
  renderResults,
  question: (question) => `[INST] ${question} [/INST]`,
  call: (call) => `${CALLS}${JSON.stringify([{ name: call.name, arguments: call.arguments }])}${EOS}`,
  final: (answer) => `${answer}${EOS}`,
  toolsHeader: (tools) => `[AVAILABLE_TOOLS]${JSON.stringify(toolSchemas(tools))}[/AVAILABLE_TOOLS]`,
  fewShot: (tools, examples) => mistralFormat.toolsHeader(tools) + examples.join(""),
  wroteToolOutput: (text) => text.includes(RESULTS),
};
