/**
 * One environment episode of a task, driven turn by turn from outside (OpenEnv's reset/step): the
 * model's text is parsed, tools run and results rendered by the rollout loop's own turn functions.
 */
import { createEpisode } from "../../core/episode/episode.ts";
import { formatNames, getFormat, hasFormat } from "../../core/formats/registry.ts";
import { toolSchemas } from "../../core/plugin/tool_schemas.ts";
import { afterGeneration, type EpisodeState, finish, type RolloutContext, runTools } from "../../core/rollout/turn.ts";
import { resolveLimits } from "../../core/rollout/limits.ts";
import { charTokenizer } from "../../core/tokenizer/char_tokenizer.ts";
import type { FormatName, Sample, Task } from "../../core/types.ts";

const tokenizer = charTokenizer();

/** What reset and step answer: OpenEnv's `{observation, reward, done}`. */
export interface StepResult {
  observation: Record<string, unknown>;
  reward: number | null;
  done: boolean;
}

/** A live episode of one task. */
export interface EnvEpisode {
  id: string;
  task: Task;
  format: FormatName;
  sample: Sample;
  state: EpisodeState;
  ctx: RolloutContext;
  steps: number;
}

/** Options of a reset: OpenEnv's `seed` and `episode_id`, plus the tool-call format. */
export interface ResetOptions {
  seed?: number;
  episode_id?: string;
  format?: string;
}

/** Starts an episode: draws the sample for `seed`, renders its prompt. */
export function resetEpisode(task: Task, options: ResetOptions = {}): { episode: EnvEpisode; result: StepResult } {
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`seed ${JSON.stringify(options.seed)} must be a non-negative integer`);
  const format = (options.format ?? "hermes") as FormatName;
  if (!hasFormat(format)) throw new Error(`format ${JSON.stringify(options.format)} is not one of ${formatNames().join(", ")}`);
  const [sample] = task.samples({ seed, n: 1 });
  const prompt = task.prompt(sample, format);
  const given = options.episode_id;
  if (given !== undefined && (typeof given !== "string" || given.length > 255)) {
    throw new Error(`episode_id ${JSON.stringify(given)?.slice(0, 80)} must be a string of at most 255 characters, as in OpenEnv`);
  }
  const id = given ?? crypto.randomUUID();
  const parser = getFormat(format);
  const ctx: RolloutContext = {
    tokenizer,
    parser,
    limits: resolveLimits(task.limits),
    tools: new Map(task.tools.map((tool) => [tool.name, tool])),
    toolNames: task.tools.map((tool) => tool.name),
    eosIsStop: true,
    releases: [],
  };
  const state: EpisodeState = {
    index: 0,
    episode: createEpisode({ id, prompt, tokenizer, sample, format }),
    phase: "ready",
    turns: 0,
    responseTokens: 0,
    toolCalls: 0,
  };
  const episode: EnvEpisode = { id, task, format, sample, state, ctx, steps: 0 };
  // `question` is the bare question, for trainers that render the prompt themselves (TRL's environment_factory).
  const observation = { prompt, question: sample.question, tools: toolSchemas(task.tools), format, task: task.name, sample_id: sample.id, stop: parser.stop };
  return { episode, result: { observation, reward: null, done: false } };
}

/** An action: the model's raw text for the turn, or structured calls rendered in the session's format. */
export type EnvAction = { text: string } | { tool_calls: { name: string; arguments: unknown }[]; content?: string };

/** Plays one model turn; on the episode's end scores it with the task's verifier. */
export async function stepEpisode(episode: EnvEpisode, action: EnvAction): Promise<StepResult> {
  const { state, ctx } = episode;
  if (state.phase === "finished") throw new Error(`episode ${episode.id} is done; send reset to start another`);
  const text = actionText(episode, action);
  episode.steps += 1;
  const before = state.episode.calls.length;
  const plan = afterGeneration(state, { tokens: tokenizer.encode(text), finishReason: "stop" }, ctx);
  if (plan) {
    await runTools(state, plan, ctx, ctx.limits.maxParallelCalls);
    if (state.turns >= ctx.limits.maxTurns) finish(state, "max_turns", ctx);
  }
  const segments = state.episode.segments;
  const last = segments[segments.length - 1];
  const toolText = plan && last.role === "tool" ? last.text : "";
  const tool_results = state.episode.calls.slice(before).map((call) => ({ name: call.name, text: call.result, error: call.error }));
  const done = (state.phase as EpisodeState["phase"]) === "finished";
  let reward: number | null = null;
  const metadata: Record<string, unknown> = { turn: state.turns, status: done ? state.episode.status : null };
  if (done) {
    await Promise.all(ctx.releases);
    reward = await episode.task.verifier.score(state.episode, episode.sample);
    state.episode.reward = reward;
    metadata.metrics = { ...state.episode.metrics };
    metadata.verifier = episode.task.verifier.name;
  }
  return { observation: { text: toolText, tool_results, done, metadata }, reward, done };
}

/** Releases a session's tool state (a python namespace) when it closes before the episode ends. */
export async function closeEpisode(episode: EnvEpisode): Promise<void> {
  if (episode.state.phase !== "finished") finish(episode.state, "truncated", episode.ctx);
  await Promise.all(episode.ctx.releases);
}

/** OpenEnv's state: `{episode_id, step_count, ...}`. */
export function episodeState(episode: EnvEpisode | undefined): Record<string, unknown> {
  if (!episode) return { episode_id: null, step_count: 0 };
  return {
    episode_id: episode.id,
    step_count: episode.steps,
    task: episode.task.name,
    format: episode.format,
    done: episode.state.phase === "finished",
    reward: episode.state.episode.reward ?? null,
  };
}

function actionText(episode: EnvEpisode, action: EnvAction): string {
  if (action && typeof action === "object" && "text" in action && typeof action.text === "string") return action.text;
  if (action && typeof action === "object" && "tool_calls" in action && Array.isArray(action.tool_calls)) {
    return renderCalls(episode.format, action.tool_calls, typeof action.content === "string" ? action.content : "");
  }
  throw new Error(`action ${JSON.stringify(action)?.slice(0, 200)} must be {text} or {tool_calls, content?}`);
}

/** Structured calls as the model would have written them in `format` (the format's `writeCalls`, else its `call` per call). */
function renderCalls(format: FormatName, calls: { name: string; arguments: unknown }[], content: string): string {
  const fmt = getFormat(format);
  if (fmt.writeCalls) return fmt.writeCalls(calls, content);
  return content + calls.map((call) => fmt.call({ name: call.name, arguments: call.arguments as Record<string, unknown> })).join("");
}
