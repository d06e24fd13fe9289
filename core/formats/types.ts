/**
 * What a tool-call format is, as one object: its parser (stop strings, special tokens, reading calls and
 * answers, writing results back) and everything a task or a dataset writes in it (a question's prompt, a
 * call, a final answer, the tools header and few-shot block, chat transcripts).
 */
import type { FormatName, Parser, Segment, Tool, ToolOutput } from "../types.ts";

/** One call as a solver writes it; `query` is the raw text of formats whose arguments are text (default: the JSON of the arguments). */
export interface CallSpec {
  name: string;
  arguments: Record<string, unknown>;
  query?: string;
}

/** One turn of a chat transcript, with the roles named the same way whatever the source called them. */
export interface ChatTurn {
  role: "system" | "user" | "assistant" | "tool";
  content: string;
  /** The tool's name for a `tool` turn, when the source records it. */
  name?: string;
}

/** How a format writes each kind of turn of a chat transcript (see `conversationToEpisode`). */
export interface TranscriptRenderer {
  /** A system turn, or the first user turn (`last`), which ends where the model starts writing. */
  prompt(turn: ChatTurn, last: boolean): string;
  /** A system or user turn after the conversation has started. */
  later(turn: ChatTurn, previous: Segment): string;
  /** An assistant turn as the model writes it, stop string included. */
  model(content: string): string;
  /** Tool results in one turn. */
  outputs(turn: ChatTurn): ToolOutput[];
  /** What opens a second assistant turn right after another. */
  reopen: string;
}

/**
 * A tool-call format: its parser (the `Parser` members) plus how prompts, calls, answers and headers are
 * written in it. Built-ins: submit, hermes, react, llama3_json; `registerFormat` adds one.
 */
export interface Format extends Parser {
  name: FormatName;
  /** True when a call's arguments are raw text (submit's `<request><Tool>query<call>`), false for JSON. */
  argumentsAsText: boolean;
  /** The parser that also repairs the usual JSON slips in calls (default: this format's own `parse`). */
  lenient?: Parser;
  /** A short prompt asking `question`, ending where the model starts writing. */
  question(question: string): string;
  /** A model turn making one call, ending where generation stops in this format. */
  call(call: CallSpec): string;
  /** The last model turn: the answer, closed as this format closes an answer. */
  final(answer: string, options?: { thought?: string }): string;
  /** The text that lists `tools` before few-shot examples ("" where the format lists none). */
  toolsHeader(tools: readonly Tool[]): string;
  /** The few-shot block: the tools header, then the worked examples, ending where the next question starts. */
  fewShot(tools: readonly Tool[], examples: readonly string[]): string;
  /**
   * A model turn holding structured calls (as an OpenAI-style client sends them) after `content`; default:
   * `content` followed by `call(...)` for each call.
   */
  writeCalls?(calls: readonly { name: string; arguments: unknown }[], content: string): string;
  /** Whether model text holds what only a tool should write (the symptom of training on tool tokens). */
  wroteToolOutput(text: string): boolean;
  /** How chat transcripts are written in this format, for formats that datasets import into. */
  transcript?: TranscriptRenderer;
}
