/**
 * Chat transcripts to episodes: each turn becomes a segment written exactly as a rollout in that format
 * writes it (the model's turns end with the format's stop string, tool results go through the parser's
 * `renderResults`), so supervised data and rollouts agree token for token. Assistant turns are `model`
 * segments (mask 1); system and user turns are `prompt` segments and tool results `tool` segments (mask 0).
 */
import { appendSegment, createEpisode } from "../episode/episode.ts";
import { isPlainObject } from "../parsers/_common.ts";
import { getParser } from "../parsers/index.ts";
import type { Episode, Parser, Sample, Segment, Tokenizer, ToolCallRecord, ToolOutput } from "../types.ts";

/** One turn of a transcript, with the roles named the same way whatever the source called them. */
export interface ChatTurn {
  role: "system" | "user" | "assistant" | "tool";
  content: string;
  /** The tool's name for a `tool` turn, when the source records it. */
  name?: string;
}

/** The two formats transcripts are written in: ReAct text, or ChatML with `<tool_call>` blocks. */
export type TranscriptFormat = "react" | "hermes";

/** What `conversationToEpisode` needs besides the turns. */
export interface ConversationOptions {
  id: string;
  format: TranscriptFormat;
  tokenizer: Tokenizer;
  sample?: Sample;
}

/** What an importer returns: the episodes, and the records it could not read with the reason. */
export interface DatasetImport {
  episodes: Episode[];
  skipped: { index: number; reason: string }[];
}

const IM_START = "<|im_start|>";
const IM_END = "<|im_end|>";
const OBSERVATION = "Observation:";
const RESPONSE_BLOCK = /<tool_response>\s*([\s\S]*?)\s*<\/tool_response>/g;

/**
 * An episode holding a transcript: prompt segments for system and user turns, model segments for the
 * assistant, tool segments for results; its `calls` pair each call the assistant wrote with its result.
 *
 * @example
 * ```ts
 * const episode = conversationToEpisode([
 *   { role: "user", content: "What is 2 + 3?" },
 *   { role: "assistant", content: 'Action: calculator\nAction Input: {"expression": "2 + 3"}' },
 *   { role: "tool", content: "5" },
 *   { role: "assistant", content: "Final Answer: 5" },
 * ], { id: "0", format: "react", tokenizer: charTokenizer() });
 * ```
 */
export function conversationToEpisode(turns: readonly ChatTurn[], options: ConversationOptions): Episode {
  const firstUser = turns.findIndex((turn) => turn.role === "user");
  if (firstUser === -1) throw new Error(`transcript ${options.id} has no user turn; a prompt needs a question`);
  const early = turns.slice(0, firstUser).find((turn) => turn.role !== "system");
  if (early) throw new Error(`transcript ${options.id} has a ${early.role} turn before its first user turn`);
  const render = options.format === "hermes" ? hermesText : reactText;
  const head = turns.slice(0, firstUser + 1).map((turn, k) => render.prompt(turn, k === firstUser)).join("");
  const episode = createEpisode({ id: options.id, prompt: head, tokenizer: options.tokenizer, sample: options.sample });
  const parser = getParser(options.format, { repairJson: true }); // datasets hold Python-style dicts too
  let lastModel: string | null = null;
  for (let k = firstUser + 1; k < turns.length;) {
    const turn = turns[k];
    if (turn.role === "tool") {
      const outputs: ToolOutput[] = [];
      while (k < turns.length && turns[k].role === "tool") outputs.push(...render.outputs(turns[k++]));
      const modelText = lastModel ?? "";
      appendSegment(episode, "tool", parser.renderResults(outputs, modelText));
      recordCalls(episode, parser, modelText, outputs);
      lastModel = null;
      continue;
    }
    const previous = episode.segments[episode.segments.length - 1];
    if (turn.role === "assistant") {
      if (previous.role === "model") appendSegment(episode, "prompt", render.reopen);
      lastModel = render.model(turn.content);
      appendSegment(episode, "model", lastModel);
    } else {
      appendSegment(episode, "prompt", render.later(turn, previous));
      lastModel = null;
    }
    k += 1;
  }
  episode.status = "done";
  const modelTurns = episode.segments.filter((s) => s.role === "model").length;
  episode.metrics = { turns: modelTurns, toolCalls: episode.calls.length };
  return episode;
}

/** How one format writes each kind of turn. */
interface Renderer {
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

const hermesText: Renderer = {
  prompt: (turn, last) =>
    `${IM_START}${turn.role}\n${turn.content}${IM_END}\n${last ? `${IM_START}assistant\n` : ""}`,
  later: (turn, previous) =>
    `${previous.role === "model" ? "\n" : ""}${IM_START}${turn.role}\n${turn.content}${IM_END}\n${IM_START}assistant\n`,
  model: (content) => (content.endsWith(IM_END) ? content : content + IM_END),
  outputs(turn) {
    const blocks = [...turn.content.matchAll(RESPONSE_BLOCK)].map((match) => match[1]);
    const texts = blocks.length > 0 ? blocks : [turn.content.trim()];
    return texts.map((text) => ({ name: turn.name ?? nameInJson(text) ?? "", text, error: null }));
  },
  reopen: `\n${IM_START}assistant\n`,
};

const reactText: Renderer = {
  prompt: (turn, last) => (last ? `Question: ${turn.content.trim()}\n` : `${turn.content.trim()}\n\n`),
  later: (turn) => `\n${turn.role === "user" ? "Question: " : ""}${turn.content.trim()}\n`,
  model(content) {
    const text = content.replace(/^\s+/, "").replace(/\s+$/, "");
    const calls = /^Action:/m.test(text) && !text.includes("Final Answer:");
    return calls && !text.endsWith(OBSERVATION) ? `${text}\n${OBSERVATION}` : text;
  },
  outputs: (turn) => [{ name: turn.name ?? "", text: turn.content.trim(), error: null }],
  reopen: "\n",
};

/** The `name` field of a JSON tool result (Hermes writes `{"name": ..., "content": ...}`), if any. */
function nameInJson(text: string): string | null {
  try {
    const value: unknown = JSON.parse(text);
    return isPlainObject(value) && typeof value.name === "string" ? value.name : null;
  } catch {
    return null;
  }
}

/** Pairs the calls written in `modelText` with the results that followed, in order. */
function recordCalls(episode: Episode, parser: Parser, modelText: string, outputs: ToolOutput[]): void {
  const calls = parser.parse(modelText).calls;
  const turn = episode.segments.filter((s) => s.role === "model").length;
  outputs.forEach((output, k) => {
    const call = calls[k];
    const record: ToolCallRecord = {
      turn,
      name: call?.name ?? output.name,
      arguments: call?.arguments ?? null,
      result: output.text,
      error: null,
      durationMs: 0,
    };
    episode.calls.push(record);
  });
}
