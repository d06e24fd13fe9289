/** The metrics of a whole rollout, summed from its episodes and the loop's timings. */
import type { Episode, EpisodeStatus, ToolErrorKind } from "../types.ts";

/** Timings the loop collects while it runs. */
export interface Timing {
  /** Wall time inside `policy.generate`. */
  generationMs: number;
  generateCalls: number;
  /** Contexts over all `generate` calls. */
  batchedContexts: number;
}

/** What a rollout reports about itself. */
export interface RolloutMetrics {
  episodes: number;
  /** Model turns, summed over episodes. */
  turns: number;
  /** Tokens the policy generated. */
  generatedTokens: number;
  /** Tool calls attempted, malformed and refused ones included. */
  toolCalls: number;
  toolErrors: number;
  toolErrorsByKind: Partial<Record<ToolErrorKind, number>>;
  status: Partial<Record<EpisodeStatus, number>>;
  generateCalls: number;
  meanBatchSize: number;
  wallMs: number;
  /** Wall time spent in `policy.generate`. */
  generationMs: number;
  /** Time spent in tool calls, summed over calls (calls may overlap, so this can exceed `wallMs`). */
  toolMs: number;
  /** `generationMs / wallMs`: how busy the policy was kept. */
  generationShare: number;
}

/** Sums episode metrics and adds the loop's timings. */
export function summarize(episodes: Episode[], timing: Timing, wallMs: number): RolloutMetrics {
  const metrics: RolloutMetrics = {
    episodes: episodes.length,
    turns: 0,
    generatedTokens: 0,
    toolCalls: 0,
    toolErrors: 0,
    toolErrorsByKind: {},
    status: {},
    generateCalls: timing.generateCalls,
    meanBatchSize: timing.generateCalls === 0 ? 0 : timing.batchedContexts / timing.generateCalls,
    wallMs,
    generationMs: timing.generationMs,
    toolMs: 0,
    generationShare: wallMs > 0 ? timing.generationMs / wallMs : 0,
  };
  for (const episode of episodes) {
    metrics.turns += episode.metrics.turns ?? 0;
    metrics.generatedTokens += episode.metrics.response_tokens ?? 0;
    metrics.toolCalls += episode.metrics.tool_calls ?? 0;
    metrics.toolErrors += episode.metrics.tool_errors ?? 0;
    metrics.toolMs += episode.metrics.tool_ms ?? 0;
    metrics.status[episode.status] = (metrics.status[episode.status] ?? 0) + 1;
    for (const call of episode.calls) {
      if (call.error !== null) metrics.toolErrorsByKind[call.error] = (metrics.toolErrorsByKind[call.error] ?? 0) + 1;
    }
  }
  return metrics;
}
