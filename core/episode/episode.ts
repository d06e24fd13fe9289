/**
 * Episodes: ordered segments (prompt, model, tool), each tokenized once when appended. The token
 * ids of an episode are the segments' ids concatenated, never a re-encoding of the whole text, so
 * the mask (1 exactly on model tokens) always lines up with what the model saw and wrote.
 */
import type { Episode, EpisodeRecord, FormatName, Role, Sample, Segment, Tokenizer } from "../types.ts";
import { showEpisode } from "./show.ts";

/** The tokenizer each episode encodes its segments with. */
const tokenizers = new WeakMap<Episode, Tokenizer>();

/** What an episode starts from. */
export interface EpisodeInit {
  id: string;
  prompt: string;
  tokenizer: Tokenizer;
  sample?: Sample;
  /** The tool-call format the episode is written in (verifiers read it). */
  format?: FormatName;
  /** The sample's id (default: `sample.id` when a sample is given). */
  sampleId?: string;
}

/**
 * A new episode holding one prompt segment, status `running`.
 *
 * @example
 * ```ts
 * const episode = createEpisode({ id: "0", prompt: "What is 2+2?", tokenizer: charTokenizer(), format: "submit" });
 * ```
 */
export function createEpisode(init: EpisodeInit): Episode {
  const episode: Episode = {
    id: init.id,
    segments: [],
    calls: [],
    reward: null,
    status: "running",
    metrics: {},
    tokens: () => episode.segments.flatMap((s) => s.tokens),
    mask: () => episode.segments.flatMap((s) => s.tokens.map(() => (s.role === "model" ? 1 : 0))),
    text: () => episode.segments.map((s) => s.text).join(""),
    response: () => responseSegments(episode).map((s) => s.text).join(""),
    show: (options) => showEpisode(episode, options),
    toJSON: () => toRecord(episode),
  };
  if (init.sample !== undefined) episode.sample = init.sample;
  const sampleId = init.sampleId ?? init.sample?.id;
  if (sampleId !== undefined) episode.sampleId = sampleId;
  if (init.format !== undefined) episode.format = init.format;
  tokenizers.set(episode, init.tokenizer);
  appendSegment(episode, "prompt", init.prompt);
  return episode;
}

/**
 * Appends a segment, encoding `text` once unless the `tokens` it was generated as are given.
 *
 * @example
 * ```ts
 * appendSegment(episode, "model", "<request><Calculator>2+2<call>", generated.tokens, generated.logprobs);
 * appendSegment(episode, "tool", "4<response>");
 * ```
 */
export function appendSegment(
  episode: Episode,
  role: Role,
  text: string,
  tokens?: number[],
  logprobs?: number[],
): Segment {
  if (logprobs !== undefined && tokens !== undefined && logprobs.length !== tokens.length) {
    throw new RangeError(
      `a ${role} segment has ${tokens.length} tokens but ${logprobs.length} logprobs; pass one per token`,
    );
  }
  const tokenizer = tokenizers.get(episode);
  if (tokens === undefined && tokenizer === undefined) {
    throw new Error(`episode ${episode.id} was not made by createEpisode, so pass the tokens of the ${role} segment`);
  }
  const segment: Segment = { role, text, tokens: tokens ?? tokenizer!.encode(text) };
  if (logprobs !== undefined) segment.logprobs = logprobs;
  episode.segments.push(segment);
  return segment;
}

/**
 * Episodes as JSON Lines, one `EpisodeRecord` per line (prompt, response, token ids, mask, reward, status, calls).
 *
 * @example
 * ```ts
 * const jsonl = episodesToJSONL(result.episodes); // one episode per line
 * ```
 */
export function episodesToJSONL(episodes: readonly Episode[]): string {
  return episodes.map((episode) => JSON.stringify(episode.toJSON()) + "\n").join("");
}

/** The segments after the leading prompt segments. */
function responseSegments(episode: Episode): Segment[] {
  const first = episode.segments.findIndex((s) => s.role !== "prompt");
  return first === -1 ? [] : episode.segments.slice(first);
}

function toRecord(episode: Episode): EpisodeRecord {
  const response = responseSegments(episode);
  const promptSegments = episode.segments.slice(0, episode.segments.length - response.length);
  const record: EpisodeRecord = {
    id: episode.id,
    prompt: promptSegments.map((s) => s.text).join(""),
    response: episode.response(),
    tokens: episode.tokens(),
    mask: episode.mask(),
    reward: episode.reward,
    status: episode.status,
    calls: episode.calls.map((call) => ({ ...call })),
    metrics: { ...episode.metrics },
  };
  if (episode.sample !== undefined) record.sample = episode.sample;
  if (episode.format !== undefined) record.format = episode.format;
  if (episode.sampleId !== undefined) record.sampleId = episode.sampleId;
  return record;
}
