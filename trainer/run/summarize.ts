/**
 * Figures over a set of rolled-out episodes: accuracy, reward, tool use and tool errors, and how often the
 * model wrote a tool's output marker itself (the symptom of training on tool tokens).
 */
import { getFormat } from "../../core/formats/registry.ts";
import type { Episode, FormatName } from "../../core/types.ts";

/** What `toolrl eval` prints and the trainer logs, per set of episodes. */
export interface EpisodeSummary {
  n: number;
  /** Fraction of episodes whose reward is above 0.5 (a correct answer for 0/1 and -1/1 rewards). */
  accuracy: number;
  reward_mean: number;
  reward_std: number;
  /** Fraction of episodes with at least one tool call. */
  tool_call_rate: number;
  calls_per_episode: number;
  /** Fraction of tool calls that ended in an error (malformed, unknown tool, exception, time-out). */
  error_rate: number;
  /** Fraction of episodes in which the model itself wrote the marker that closes a tool's output. */
  self_written_output_rate: number;
  /** Fraction of episodes that gave an answer without calling any tool. */
  answered_without_tool_rate: number;
  /** Model tokens per episode. */
  response_tokens_mean: number;
}

/**
 * Whether model text contains what only a tool should write, as the format judges it (submit's `<response>`,
 * hermes' `<tool_response>`, react text after `Observation:`, the stop string the model may end its turn with).
 *
 * @example wroteToolOutput("<request><Calculator>2+2<call>4<response>", "submit"); // true
 */
export function wroteToolOutput(text: string, format: FormatName): boolean {
  return getFormat(format).wroteToolOutput(text);
}

/**
 * Summarises episodes; an episode with no reward counts as wrong. Each episode is judged in the format it
 * carries, `options.format` being the one for episodes that carry none.
 *
 * @example summarizeEpisodes(episodes, { format: "submit" }).accuracy;
 */
export function summarizeEpisodes(episodes: readonly Episode[], options: { format: FormatName }): EpisodeSummary {
  const n = episodes.length;
  const rewards = episodes.map((e) => e.reward ?? 0);
  const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
  const rewardMean = mean(rewards);
  const calls = episodes.reduce((a, e) => a + e.calls.length, 0);
  const errors = episodes.reduce((a, e) => a + e.calls.filter((c) => c.error !== null).length, 0);
  const modelText = (e: Episode) => e.segments.filter((s) => s.role === "model").map((s) => s.text);
  return {
    n,
    accuracy: mean(episodes.map((e) => ((e.reward ?? 0) > 0.5 ? 1 : 0))),
    reward_mean: rewardMean,
    reward_std: Math.sqrt(mean(rewards.map((r) => (r - rewardMean) ** 2))),
    tool_call_rate: mean(episodes.map((e) => (e.calls.length > 0 ? 1 : 0))),
    calls_per_episode: n === 0 ? 0 : calls / n,
    error_rate: calls === 0 ? 0 : errors / calls,
    self_written_output_rate: mean(episodes.map((e) => {
      const format = e.format ?? options.format;
      return modelText(e).some((t) => wroteToolOutput(t, format)) ? 1 : 0;
    })),
    answered_without_tool_rate: mean(episodes.map((e) => (e.calls.length === 0 && e.status === "done" ? 1 : 0))),
    response_tokens_mean: mean(episodes.map((e) =>
      e.segments.filter((s) => s.role === "model").reduce((a, s) => a + s.tokens.length, 0)
    )),
  };
}
