/**
 * One episode's side of the rollout loop: read a generated turn, decide whether the episode ends,
 * and run the turn's tool calls, writing their results (or errors) back as a tool segment.
 */
import type {
  Episode,
  EpisodeStatus,
  Generation,
  ParsedCall,
  ParseError,
  Parser,
  RolloutLimits,
  Tokenizer,
  Tool,
  ToolCallOutcome,
  ToolCallRecord,
  ToolOutput,
} from "../types.ts";
import { appendSegment } from "../episode/episode.ts";
import { invokeTool } from "../plugin/invoke_tool.ts";
import { truncateText } from "../truncate/truncate.ts";

/** What every episode of one rollout shares. */
export interface RolloutContext {
  tokenizer: Tokenizer;
  parser: Parser;
  limits: RolloutLimits;
  tools: Map<string, Tool>;
  toolNames: string[];
  /** The EOS is one of the parser's stop strings (as `<|im_end|>` for Qwen chat models): it then ends a turn, not the episode. */
  eosIsStop: boolean;
  signal?: AbortSignal;
  /** `tool.release` calls under way, awaited before the rollout returns. */
  releases: Promise<void>[];
}

/** Where an episode stands in the loop. */
export interface EpisodeState {
  /** The episode's place among the rollout's items (part of its sampling seed). */
  index: number;
  episode: Episode;
  phase: "ready" | "generating" | "tools" | "finished";
  turns: number;
  responseTokens: number;
  toolCalls: number;
}

/** The tool calls and malformed calls of one turn, in text order. */
export interface ToolPlan {
  turn: number;
  modelText: string;
  attempts: (ParsedCall | ParseError)[];
}

/** Ends an episode with `status` and lets every tool drop its state for it. */
export function finish(state: EpisodeState, status: EpisodeStatus, ctx: RolloutContext): void {
  state.phase = "finished";
  state.episode.status = status;
  for (const tool of ctx.tools.values()) {
    if (tool.release) ctx.releases.push(Promise.resolve().then(() => tool.release!(state.episode.id)).catch(() => {}));
  }
}

/** Appends a generated turn and returns the tool calls to run, or null when the episode has ended. */
export function afterGeneration(state: EpisodeState, generation: Generation, ctx: RolloutContext): ToolPlan | null {
  const { episode } = state;
  const { limits, tokenizer } = ctx;
  const text = tokenizer.decode(generation.tokens);
  if (generation.tokens.length > 0) appendSegment(episode, "model", text, generation.tokens, generation.logprobs);
  state.turns += 1;
  state.responseTokens += generation.tokens.length;
  episode.metrics.turns = state.turns;
  episode.metrics.response_tokens = state.responseTokens;
  const budgetLeft = state.responseTokens < limits.maxTotalResponseTokens;

  const eosAt = ctx.eosIsStop ? -1 : generation.tokens.indexOf(tokenizer.eosId);
  if (eosAt !== -1) return end(state, "done", ctx);
  const parsed = ctx.parser.parse(text, ctx.toolNames);
  if (parsed.final !== null) return end(state, "done", ctx);
  const attempts = [...parsed.calls, ...parsed.errors].sort((a, b) => (a.offset ?? 0) - (b.offset ?? 0));
  if (attempts.length === 0) return end(state, budgetLeft ? "done" : "truncated", ctx);
  // The turn asked for tools, but the model could not read their results: end without running them.
  if (state.turns >= limits.maxTurns) return end(state, "max_turns", ctx);
  if (!budgetLeft) return end(state, "truncated", ctx);
  if (state.toolCalls + attempts.length > limits.maxToolCalls) {
    for (const attempt of attempts) {
      const message = `Tool error: this episode may make at most ${limits.maxToolCalls} tool calls`;
      record(state, { turn: state.turns, ...describe(attempt), result: message, error: "limit", durationMs: 0 });
    }
    return end(state, "max_tool_calls", ctx);
  }
  return { turn: state.turns, modelText: text, attempts };
}

function end(state: EpisodeState, status: EpisodeStatus, ctx: RolloutContext): null {
  finish(state, status, ctx);
  return null;
}

/** Runs a turn's calls, at most `width` at once, and appends their results as one tool segment. */
export async function runTools(state: EpisodeState, plan: ToolPlan, ctx: RolloutContext, width: number): Promise<void> {
  const outputs: ToolOutput[] = new Array(plan.attempts.length);
  const records: ToolCallRecord[] = new Array(plan.attempts.length);
  let next = 0;
  const worker = async () => {
    while (next < plan.attempts.length) {
      const k = next++;
      const attempt = plan.attempts[k];
      const outcome = "kind" in attempt ? parseFailure(attempt) : await call(attempt, state.episode.id, ctx);
      const text = cut(outcome.text, ctx);
      const { name, arguments: args } = describe(attempt);
      outputs[k] = { name, text, error: outcome.error };
      records[k] = {
        turn: plan.turn,
        name,
        arguments: args,
        result: text,
        error: outcome.error,
        durationMs: outcome.durationMs,
      };
      addToolMetrics(state.episode, name, outcome);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, plan.attempts.length) }, worker));
  for (const entry of records) record(state, entry);
  appendSegment(state.episode, "tool", ctx.parser.renderResults(outputs, plan.modelText));
}

function parseFailure(error: ParseError): ToolCallOutcome {
  return { text: `Tool error: ${error.message}`, error: error.kind, durationMs: 0 };
}

async function call(parsed: ParsedCall, episodeId: string, ctx: RolloutContext): Promise<ToolCallOutcome> {
  const tool = ctx.tools.get(parsed.name);
  if (!tool) {
    const known = ctx.toolNames.join(", ") || "none";
    return {
      text: `Tool error: unknown tool "${parsed.name}"; known tools: ${known}`,
      error: "unknown_tool",
      durationMs: 0,
    };
  }
  const rawText = ctx.parser.argumentsAsText === true;
  try {
    return await invokeTool(tool, parsed.arguments, { episodeId, signal: ctx.signal, rawText });
  } catch (error) {
    // invokeTool returns failures as values; this catches what escapes it (a throwing `fromText`).
    return {
      text: `Tool error: ${error instanceof Error ? error.message : String(error)}`,
      error: "tool_exception",
      durationMs: 0,
    };
  }
}

function cut(text: string, ctx: RolloutContext): string {
  const { maxToolResponseLength: max, truncateSide: side, toolResponseUnit } = ctx.limits;
  const unit = toolResponseUnit === "tokens"
    ? { unit: "tokens" as const, tokenizer: ctx.tokenizer }
    : { unit: "chars" as const };
  return truncateText(text, max, side, unit);
}

/** The name and arguments to record: the call's own, or the offending text of a malformed call. */
function describe(attempt: ParsedCall | ParseError): { name: string; arguments: unknown } {
  return "kind" in attempt
    ? { name: "", arguments: attempt.text }
    : { name: attempt.name, arguments: attempt.arguments };
}

function record(state: EpisodeState, entry: ToolCallRecord): void {
  const { metrics } = state.episode;
  state.episode.calls.push(entry);
  state.toolCalls += 1;
  metrics.tool_calls = state.toolCalls;
  metrics.tool_ms = (metrics.tool_ms ?? 0) + entry.durationMs;
  if (entry.error !== null) {
    metrics.tool_errors = (metrics.tool_errors ?? 0) + 1;
    metrics[`tool_errors/${entry.error}`] = (metrics[`tool_errors/${entry.error}`] ?? 0) + 1;
  }
}

/** Adds a tool's reward contribution (`tool_reward`) and its own metrics (`tool/<name>/<key>`), summed. */
function addToolMetrics(episode: Episode, name: string, outcome: ToolCallOutcome): void {
  if (outcome.reward !== undefined) episode.metrics.tool_reward = (episode.metrics.tool_reward ?? 0) + outcome.reward;
  for (const [key, value] of Object.entries(outcome.metrics ?? {})) {
    episode.metrics[`tool/${name}/${key}`] = (episode.metrics[`tool/${name}/${key}`] ?? 0) + value;
  }
}
