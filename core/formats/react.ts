/**
 * The `react` format (ReAct, ToolAlpaca): `Thought: ...`, `Action: name`, `Action Input: {json}`;
 * generation stops at `Observation:`, the tool's result follows it, and the answer is `Final Answer: ...`.
 * Prompts are `Question: ...`; the tools header is a `Tools:` list of names and descriptions.
 */
import type { ParsedCall, ParseError, Parser, ParseResult, ToolOutput } from "../types.ts";
import type { Format, TranscriptRenderer } from "./types.ts";
import { unknownTool } from "./parse_helpers.ts";
import { parseArguments } from "./loose_json.ts";

const THOUGHT = "Thought:";
const ACTION = "Action:";
const ACTION_INPUT = "Action Input:";
const OBSERVATION = "Observation:";
const FINAL_ANSWER = "Final Answer:";
const KEYWORDS = /Thought:|Action Input:|Action:|Observation:|Final Answer:/g;

/** One keyword and the text after it up to the next keyword. */
interface Section {
  key: string;
  offset: number;
  body: string;
}

/**
 * The ReAct format: reads `Action`/`Action Input` pairs as calls (strict JSON) and the text after `Final Answer:` as the answer.
 *
 * @example
 * ```ts
 * reactFormat.parse('Thought: add\nAction: add\nAction Input: {"a": 1}\nObservation:').calls;
 * // [{ name: "add", arguments: { a: 1 }, offset: 13 }]
 * ```
 */
export const reactFormat: Format = {
  ...createReactParser(),
  argumentsAsText: false,
  lenient: createReactParser({ repairJson: true }),
  question: (question) => `Question: ${question}\n`,
  call: (call) => `${ACTION} ${call.name}\n${ACTION_INPUT} ${JSON.stringify(call.arguments)}\n${OBSERVATION}`,
  final: (answer, options = {}) => `${options.thought ? `${THOUGHT} ${options.thought}\n` : ""}${FINAL_ANSWER} ${answer}`,
  toolsHeader: (tools) => `Tools:\n${tools.map((tool) => `${tool.name}: ${tool.description}\n`).join("")}\n`,
  fewShot: (tools, examples) => `${reactFormat.toolsHeader(tools)}${examples.join("\n\n")}\n\n`,
  writeCalls(calls, content) {
    const [call] = calls; // ReAct makes one call per turn
    if (!call) return content;
    return `${content ? `${THOUGHT} ${content}\n` : ""}${ACTION} ${call.name}\n${ACTION_INPUT} ${JSON.stringify(call.arguments)}\n`;
  },
  wroteToolOutput(text) {
    const at = text.indexOf(OBSERVATION);
    return at !== -1 && at + OBSERVATION.length < text.trimEnd().length;
  },
  transcript: transcriptRenderer(),
};

/** The ReAct format's strict parser (the format object itself). */
export const reactParser: Parser = reactFormat;

/**
 * The ReAct parser; `repairJson: true` also accepts single quotes, Python literals, trailing commas and a
 * ```json fence in the Action Input (the default is strict JSON).
 *
 * @example createReactParser({ repairJson: true }).parse("Action: a\nAction Input: {'x': 1}").calls.length; // 1
 */
export function createReactParser(options: { repairJson?: boolean } = {}): Parser {
  const repair = options.repairJson ?? false;
  return {
    name: "react",
    stop: [OBSERVATION],
    specialTokens: [THOUGHT, ACTION, ACTION_INPUT, OBSERVATION, FINAL_ANSWER],
    parse: (text, toolNames) => parseReact(text, toolNames, repair),
    renderResults,
  };
}

function parseReact(text: string, toolNames: readonly string[] | undefined, repair: boolean): ParseResult {
  const sections = sectionsOf(text);
  const calls: ParsedCall[] = [];
  const errors: ParseError[] = [];
  for (let i = 0; i < sections.length; i++) {
    const section = sections[i];
    const next = sections[i + 1];
    if (section.key === ACTION_INPUT) {
      const stretch = { text: section.key + section.body, offset: section.offset };
      errors.push({ kind: "bad_format", message: `${ACTION_INPUT} without an ${ACTION} line before it`, ...stretch });
    }
    if (section.key !== ACTION) continue;
    const name = trimQuotes(section.body.trim().split("\n")[0].trim());
    const hasInput = next?.key === ACTION_INPUT;
    const end = hasInput
      ? next.offset + next.key.length + next.body.length
      : section.offset + ACTION.length + section.body.length;
    const stretch = { text: text.slice(section.offset, end), offset: section.offset };
    if (hasInput) i += 1;
    if (name === "") {
      errors.push({ kind: "bad_format", message: `${ACTION} must name a tool, as in ${ACTION} search`, ...stretch });
    } else if (!hasInput) {
      const message = `${ACTION} ${name} has no ${ACTION_INPUT} line; write ${ACTION_INPUT} {"key": "value"} after it`;
      errors.push({ kind: "bad_format", message, ...stretch });
    } else {
      readInput(name, next.body, stretch, { toolNames, repair }, calls, errors);
    }
  }
  const finalAt = text.lastIndexOf(FINAL_ANSWER);
  const final = finalAt === -1 ? null : text.slice(finalAt + FINAL_ANSWER.length).trim();
  return { calls, final, errors };
}

/** `name` without the quotes or backticks a model put around it (a scan: linear however many there are). */
function trimQuotes(name: string): string {
  const quote = (ch: string) => ch === "`" || ch === "'" || ch === '"';
  let start = 0;
  let end = name.length;
  while (start < end && quote(name[start])) start++;
  while (end > start && quote(name[end - 1])) end--;
  return name.slice(start, end);
}

function readInput(
  name: string,
  input: string,
  stretch: { text: string; offset: number },
  options: { toolNames: readonly string[] | undefined; repair: boolean },
  calls: ParsedCall[],
  errors: ParseError[],
): void {
  const { toolNames } = options;
  const parsed = parseArguments(input, options);
  if (!parsed.ok) {
    errors.push({
      kind: "bad_json",
      message: `the ${ACTION_INPUT} of ${name} is not JSON: ${parsed.message}`,
      ...stretch,
    });
    return;
  }
  const unknown = unknownTool(name, toolNames, stretch);
  if (unknown) errors.push(unknown);
  else calls.push({ name, arguments: parsed.value, offset: stretch.offset });
}

/** Splits the text at every keyword. */
function sectionsOf(text: string): Section[] {
  const hits = [...text.matchAll(KEYWORDS)];
  return hits.map((hit, k) => {
    const bodyStart = hit.index + hit[0].length;
    const bodyEnd = k + 1 < hits.length ? hits[k + 1].index : text.length;
    return { key: hit[0], offset: hit.index, body: text.slice(bodyStart, bodyEnd) };
  });
}

/** Writes each result after an `Observation:`, reusing the one the model wrote when it stopped there. */
function renderResults(outputs: ToolOutput[], modelText: string): string {
  return outputs.map((output, k) => {
    if (k > 0) return `${OBSERVATION} ${output.text}\n`;
    if (modelText.trimEnd().endsWith(OBSERVATION)) return ` ${output.text}\n`;
    return `${modelText.endsWith("\n") ? "" : "\n"}${OBSERVATION} ${output.text}\n`;
  }).join("");
}

/** ReAct transcripts: `Question: ...` for user turns, `Observation:` before each tool result. */
function transcriptRenderer(): TranscriptRenderer {
  return {
    prompt: (turn, last) => (last ? `Question: ${turn.content.trim()}\n` : `${turn.content.trim()}\n\n`),
    later: (turn) => `\n${turn.role === "user" ? "Question: " : ""}${turn.content.trim()}\n`,
    model(content) {
      const text = content.replace(/^\s+/, "").replace(/\s+$/, "");
      const calls = /^Action:/m.test(text) && !text.includes(FINAL_ANSWER);
      return calls && !text.endsWith(OBSERVATION) ? `${text}\n${OBSERVATION}` : text;
    },
    outputs: (turn) => [{ name: turn.name ?? "", text: turn.content.trim(), error: null }],
    reopen: "\n",
  };
}
