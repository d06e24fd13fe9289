/**
 * Episodes as JSON Lines for Python trainers, token ids and masks included so nothing is re-tokenized:
 *
 * - TRL (`SFTTrainer`): `prompt` and `completion` text plus `input_ids` and `completion_mask` over the
 *   whole sequence. A dataset with `input_ids` is taken as already tokenized, and TRL's collator sets the
 *   labels to -100 wherever `completion_mask` is 0, so tool output inside the completion is not trained on.
 * - verl (the fields of its agent loop's `AgentLoopOutput`): `prompt_ids`, `response_ids`, and
 *   `response_mask` (1 on model tokens, 0 on tool tokens) aligned with `response_ids`, plus `reward_score`
 *   (absent, with `scored: false`, when no verifier scored the episode), `num_turns`, `metrics` and
 *   `response_logprobs` when the episode has them.
 *
 * The prompt is the episode's leading prompt segments; everything after is the completion (response).
 */
import type { Episode, Segment } from "../types.ts";

/** One line of a TRL prompt-completion dataset, pre-tokenized. */
export interface TrlRecord {
  prompt: string;
  completion: string;
  /** Prompt and completion token ids. */
  input_ids: number[];
  /** Per `input_ids` entry: 1 on tokens the model wrote, 0 on prompt and tool tokens. */
  completion_mask: number[];
  /** The tools offered, as OpenAI function schemas (TRL's `tools` column), when given. */
  tools?: unknown[];
}

/** One line of a verl multi-turn dataset: an agent loop's output with its reward. */
export interface VerlRecord {
  id: string;
  prompt: string;
  response: string;
  prompt_ids: number[];
  /** Model and tool tokens after the prompt. */
  response_ids: number[];
  /** Per `response_ids` entry: 1 on model tokens, 0 on tool tokens. */
  response_mask: number[];
  /** The episode's reward (verl adds it at the last response token); absent when unscored. */
  reward_score?: number;
  /** Whether a verifier scored the episode: false says so explicitly instead of a null score. */
  scored: boolean;
  /** verl's `AgentLoopMetrics`: seconds spent in tool calls (`tool_calls`), and toolrl's episode metrics. */
  metrics: { tool_calls: number; toolrl: Record<string, number> };
  /** Chat turns: the prompt, each model turn and each tool turn. */
  num_turns: number;
  /** Per `response_ids` entry, the sampler's logprob on model tokens and 0 on tool tokens, when every model turn has them. */
  response_logprobs?: number[];
}

/**
 * An episode as a pre-tokenized TRL prompt-completion record.
 *
 * @example
 * ```ts
 * const { input_ids, completion_mask } = toTrlRecord(episode); // completion_mask === episode.mask()
 * ```
 */
export function toTrlRecord(episode: Episode, options: { tools?: unknown[] } = {}): TrlRecord {
  const { prompt, response } = split(episode);
  const record: TrlRecord = {
    prompt: textOf(prompt),
    completion: textOf(response),
    input_ids: episode.tokens(),
    completion_mask: episode.mask(),
  };
  if (options.tools !== undefined) record.tools = options.tools;
  return record;
}

/**
 * An episode as a verl agent-loop record.
 *
 * @example
 * ```ts
 * const { response_ids, response_mask } = toVerlRecord(episode); // one mask entry per response id
 * ```
 */
export function toVerlRecord(episode: Episode): VerlRecord {
  const { prompt, response } = split(episode);
  const record: VerlRecord = {
    id: episode.id,
    prompt: textOf(prompt),
    response: textOf(response),
    prompt_ids: prompt.flatMap((s) => s.tokens),
    response_ids: response.flatMap((s) => s.tokens),
    response_mask: response.flatMap((s) => s.tokens.map(() => (s.role === "model" ? 1 : 0))),
    ...(typeof episode.reward === "number" ? { reward_score: episode.reward } : {}),
    scored: typeof episode.reward === "number",
    num_turns: episode.segments.filter((s, k) => k === 0 || episode.segments[k - 1].role !== s.role).length,
    metrics: { tool_calls: (episode.metrics.tool_ms ?? 0) / 1000, toolrl: { ...episode.metrics } },
  };
  const models = response.filter((s) => s.role === "model");
  if (models.length > 0 && models.every((s) => s.logprobs !== undefined)) {
    record.response_logprobs = response.flatMap((s) => (s.role === "model" ? s.logprobs! : s.tokens.map(() => 0)));
  }
  return record;
}

/**
 * Episodes as TRL JSON Lines, one `TrlRecord` per line.
 *
 * @example
 * ```ts
 * const jsonl = episodesToTrlJSONL(episodes); // saved as sft.jsonl: load_dataset("json", data_files="sft.jsonl")
 * ```
 */
export function episodesToTrlJSONL(episodes: readonly Episode[], options: { tools?: unknown[] } = {}): string {
  return episodes.map((episode) => JSON.stringify(toTrlRecord(episode, options)) + "\n").join("");
}

/**
 * Episodes as verl JSON Lines, one `VerlRecord` per line.
 *
 * @example
 * ```ts
 * const jsonl = episodesToVerlJSONL(result.episodes); // one verl record per line
 * ```
 */
export function episodesToVerlJSONL(episodes: readonly Episode[]): string {
  return episodes.map((episode) => JSON.stringify(toVerlRecord(episode)) + "\n").join("");
}

/** The leading prompt segments, and the rest. */
function split(episode: Episode): { prompt: Segment[]; response: Segment[] } {
  const first = episode.segments.findIndex((s) => s.role !== "prompt");
  const at = first === -1 ? episode.segments.length : first;
  return { prompt: episode.segments.slice(0, at), response: episode.segments.slice(at) };
}

function textOf(segments: readonly Segment[]): string {
  return segments.map((s) => s.text).join("");
}
