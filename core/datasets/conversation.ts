/**
 * Chat transcripts to episodes: each turn becomes a segment written exactly as a rollout in that format
 * writes it (the model's turns end with the format's stop string, tool results go through the parser's
 * `renderResults`), so supervised data and rollouts agree token for token. Assistant turns are `model`
 * segments (mask 1); system and user turns are `prompt` segments and tool results `tool` segments (mask 0).
 */
import { appendSegment, createEpisode } from "../episode/episode.ts";
import { getFormat } from "../formats/registry.ts";
import type { ChatTurn } from "../formats/types.ts";
import type { Episode, FormatName, Parser, Sample, Tokenizer, ToolCallRecord, ToolOutput } from "../types.ts";

export type { ChatTurn };

/** The formats transcripts are written in: any registered format with a `transcript` renderer (react, hermes). */
export type TranscriptFormat = FormatName;

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
  const format = getFormat(options.format);
  const render = format.transcript;
  if (!render) throw new Error(`format "${format.name}" has no transcript renderer; import transcripts as hermes or react`);
  const head = turns.slice(0, firstUser + 1).map((turn, k) => render.prompt(turn, k === firstUser)).join("");
  const { id, tokenizer, sample } = options;
  const episode = createEpisode({ id, prompt: head, tokenizer, sample, format: format.name });
  const parser = format.lenient ?? format; // datasets hold Python-style dicts too
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
  episode.metrics = { turns: modelTurns, tool_calls: episode.calls.length };
  return episode;
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
