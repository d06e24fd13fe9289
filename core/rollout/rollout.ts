/**
 * The multi-turn rollout loop: a policy writes turns, tool calls in them run, their results go
 * back as tool segments, until each episode gives an answer or hits a limit.
 *
 * - `async` mode (default): generation is batched over every episode that is ready; an episode
 *   whose tools are running sits out and joins the next batch when they return, so the policy
 *   keeps generating for the others meanwhile. One `generate` call is in flight at a time, unless
 *   the policy `batchesConcurrentCalls` (the engine with its prefix cache): then each episode calls
 *   it on its own as soon as it is ready and the policy joins the calls per decoding step, so an
 *   episode never waits for another's longest turn.
 * - `lockstep` mode: TRL's TextEnvironment: every active episode generates (in chunks of
 *   `maxBatchSize`), then the tool calls run one at a time, and everyone waits for the slowest.
 *
 * An episode ends `done` (a final answer, an EOS that is not a stop string, or a turn with neither
 * a call nor an answer), `truncated` (its response-token budget is used up), `max_turns`,
 * `max_tool_calls` (it asked for more calls than allowed; those calls are recorded with a `limit`
 * error and not run) or `error` (the policy threw for it; the other episodes go on).
 *
 * When `maxTurns` runs out on a turn that makes calls, TRL still runs the tool and appends its
 * output, so the episode ends on a tool segment and TRL's reward, which reads the last segment,
 * scores the tool's text. Here the calls of that last turn are not run and nothing is appended:
 * the episode ends on the model's own turn and the verifier scores only what the model wrote.
 */
import type {
  Episode,
  FormatName,
  Generation,
  Parser,
  Policy,
  RolloutLimits,
  Sample,
  Tokenizer,
  Tool,
  Verifier,
} from "../types.ts";
import { nextMacrotask } from "../runtime/mod.ts";
import { createEpisode } from "../episode/episode.ts";
import { getFormat } from "../formats/registry.ts";
import { resolveLimits } from "./limits.ts";
import { afterGeneration, type EpisodeState, finish, type RolloutContext, runTools, type ToolPlan } from "./turn.ts";
import { type RolloutMetrics, summarize, type Timing } from "./summary.ts";

export type { RolloutMetrics };

/** One episode to roll out: its prompt, and the task sample it is for (needed by a verifier). */
export interface RolloutItem {
  prompt: string;
  sample?: Sample;
  id?: string;
}

/**
 * Sampling settings of every `generate` call. With a `seed`, turn t of episode k samples from its own stream
 * seeded by `turnSeed(seed, k, t)`, so what an episode samples never depends on which episodes share its
 * batch or on the order in which tools answer: the same seed gives the same episodes in either mode.
 */
export interface SamplingOptions {
  temperature?: number;
  topP?: number;
  topK?: number;
  seed?: number;
}

/** Everything a rollout needs; give `format` (a registered format's name) or your own `parser`. */
export interface RolloutOptions {
  policy: Policy;
  tokenizer: Tokenizer;
  format?: FormatName;
  parser?: Parser;
  tools: Tool[];
  items: RolloutItem[];
  limits?: Partial<RolloutLimits>;
  sampling?: SamplingOptions;
  /** Scores each episode that has a sample into `episode.reward`. */
  verifier?: Verifier;
  mode?: "async" | "lockstep";
  /** Contexts per `generate` call (default: all that are ready). */
  maxBatchSize?: number;
  /** Cancels the rollout: running tools and generation are aborted and the promise rejects. */
  signal?: AbortSignal;
}

/** The episodes (in item order), the rollout's metrics, and the messages of policy and verifier failures. */
export interface RolloutResult {
  episodes: Episode[];
  metrics: RolloutMetrics;
  errors: { episodeId: string; message: string }[];
}

/**
 * Rolls out every item to the end and returns the episodes with their statuses, calls and rewards.
 *
 * @example
 * ```ts
 * const { episodes, metrics } = await rollout({ policy, tokenizer, format: "hermes", tools: [search], items });
 * ```
 */
export async function rollout(options: RolloutOptions): Promise<RolloutResult> {
  const started = performance.now();
  if (!options.parser && !options.format) {
    throw new Error("rollout needs a `format` (submit, hermes, react or a registered one) or a `parser`");
  }
  const parser = options.parser ?? getFormat(options.format!);
  const format = options.format ?? parser.name;
  const maxBatchSize = options.maxBatchSize ?? Infinity;
  if (maxBatchSize !== Infinity && !(Number.isInteger(maxBatchSize) && maxBatchSize >= 1)) {
    throw new RangeError(`maxBatchSize must be a whole number >= 1, got ${options.maxBatchSize}`);
  }
  const { tokenizer } = options;
  const ctx: RolloutContext = {
    tokenizer,
    parser,
    limits: resolveLimits(options.limits),
    tools: new Map(options.tools.map((tool) => [tool.name, tool])),
    toolNames: options.tools.map((tool) => tool.name),
    eosIsStop: parser.stop.includes(tokenizer.decode([tokenizer.eosId])),
    signal: options.signal,
    releases: [],
  };
  const errors: RolloutResult["errors"] = [];
  const timing: Timing = { generationMs: 0, generateCalls: 0, batchedContexts: 0 };
  // wall time with at least one call in flight (calls overlap when the policy batches them per step)
  let inFlight = 0, busySince = 0;
  const states: EpisodeState[] = options.items.map((item, k) => ({
    index: k,
    episode: createEpisode({ id: item.id ?? String(k), prompt: item.prompt, tokenizer, sample: item.sample, format }),
    phase: "ready",
    turns: 0,
    responseTokens: 0,
    toolCalls: 0,
  }));
  for (const { episode } of states) {
    Object.assign(episode.metrics, { turns: 0, response_tokens: 0, tool_calls: 0, tool_errors: 0, tool_ms: 0 });
  }

  const generate = async (batch: EpisodeState[], onPlan: (state: EpisodeState, plan: ToolPlan) => void) => {
    if (inFlight++ === 0) busySince = performance.now();
    for (const state of batch) state.phase = "generating";
    const generations = await generateIsolated(batch, ctx, options).finally(() => {
      if (--inFlight === 0) timing.generationMs += performance.now() - busySince;
    });
    timing.generateCalls += 1;
    timing.batchedContexts += batch.length;
    batch.forEach((state, k) => {
      const generation = generations[k];
      try {
        if (generation instanceof Error) throw generation;
        const plan = afterGeneration(state, generation, ctx);
        if (plan) onPlan(state, plan);
      } catch (error) {
        errors.push({ episodeId: state.episode.id, message: error instanceof Error ? error.message : String(error) });
        finish(state, "error", ctx);
      }
    });
  };
  if (options.mode === "lockstep") await runLockstep(states, ctx, generate, maxBatchSize);
  else if (options.policy.batchesConcurrentCalls === true) await runPerEpisode(states, ctx, generate, maxBatchSize);
  else await runAsync(states, ctx, generate, maxBatchSize);

  await Promise.all(ctx.releases);
  if (options.verifier) await score(states, options.verifier, errors);
  const episodes = states.map((state) => state.episode);
  return { episodes, metrics: summarize(episodes, timing, performance.now() - started), errors };
}

type Generate = (batch: EpisodeState[], onPlan: (state: EpisodeState, plan: ToolPlan) => void) => Promise<void>;

/** Every episode generates, then the calls run one at a time, then again, as TRL's TextEnvironment does. */
async function runLockstep(states: EpisodeState[], ctx: RolloutContext, generate: Generate, maxBatchSize: number) {
  for (let active = ready(states); active.length > 0; active = ready(states)) {
    const plans: [EpisodeState, ToolPlan][] = [];
    for (let k = 0; k < active.length; k += maxBatchSize) {
      ctx.signal?.throwIfAborted();
      await generate(active.slice(k, k + maxBatchSize), (state, plan) => plans.push([state, plan]));
    }
    for (const [state, plan] of plans) {
      ctx.signal?.throwIfAborted();
      await runTools(state, plan, ctx, 1);
      state.phase = "ready";
    }
  }
}

/** Generation for whoever is ready while other episodes' tools run; each episode rejoins when its tools return. */
async function runAsync(states: EpisodeState[], ctx: RolloutContext, generate: Generate, maxBatchSize: number) {
  let notify = () => {};
  let failure = null as { error: unknown } | null;
  let generating = false;
  let toolRuns = 0;
  const fail = (error: unknown) => {
    failure ??= { error };
    notify();
  };
  const onPlan = (state: EpisodeState, plan: ToolPlan) => {
    state.phase = "tools";
    toolRuns += 1;
    runTools(state, plan, ctx, ctx.limits.maxParallelCalls).then(() => {
      toolRuns -= 1;
      state.phase = "ready";
      notify();
    }, fail);
  };
  const onAbort = () => notify();
  ctx.signal?.addEventListener("abort", onAbort);
  try {
    while (states.some((state) => state.phase !== "finished")) {
      const woken = new Promise<void>((resolve) => (notify = resolve));
      ctx.signal?.throwIfAborted();
      if (failure) throw failure.error;
      const batch = generating ? [] : ready(states).slice(0, maxBatchSize);
      if (batch.length > 0) {
        generating = true;
        generate(batch, onPlan).then(() => {
          generating = false;
          notify();
        }, fail);
      } else if (!generating && toolRuns === 0) {
        throw new Error("rollout loop stalled: no episode is ready, generating or running tools; please report this");
      }
      await woken;
      // Tool results that land together should generate together: let every already-settled tool
      // call mark its episode ready (one macrotask) before the next batch is cut.
      if (toolRuns > 0 && !generating) await nextMacrotask();
    }
  } finally {
    ctx.signal?.removeEventListener("abort", onAbort);
  }
}

/**
 * Every episode runs its own turns (generate, then its tools) while the others run theirs; the policy
 * batches the concurrent calls per decoding step. At most `maxBatchSize` episodes generate at once.
 */
async function runPerEpisode(states: EpisodeState[], ctx: RolloutContext, generate: Generate, maxBatchSize: number) {
  let free = maxBatchSize;
  const queued: (() => void)[] = [];
  const acquire = () => (free > 0 ? (free -= 1, Promise.resolve()) : new Promise<void>((resolve) => queued.push(resolve)));
  const release = () => (queued.length > 0 ? queued.shift()!() : (free += 1));
  const episode = async (state: EpisodeState) => {
    while (state.phase === "ready") {
      ctx.signal?.throwIfAborted();
      const turn: { plan: ToolPlan | null } = { plan: null };
      await acquire();
      try {
        await generate([state], (_, plan) => (turn.plan = plan));
      } finally {
        release();
      }
      if (turn.plan === null) continue; // the episode ended (or failed) in this turn
      state.phase = "tools";
      await runTools(state, turn.plan, ctx, ctx.limits.maxParallelCalls);
      state.phase = "ready";
    }
  };
  await Promise.all(states.map(episode));
}

/**
 * The sampling seed of turn `turn` of episode `episode` in a rollout seeded by `seed` (a 32-bit integer hash).
 *
 * @example turnSeed(7, 0, 1) === turnSeed(7, 0, 1); // true, and differs from turnSeed(7, 1, 1)
 */
export function turnSeed(seed: number, episode: number, turn: number): number {
  let h = Math.imul((seed | 0) ^ 0x9e3779b9, 0x85ebca6b);
  for (const part of [episode, turn]) {
    h = Math.imul(h ^ (h >>> 15) ^ (part | 0), 0xc2b2ae35);
    h = Math.imul(h ^ (h >>> 13), 0x27d4eb2d);
  }
  return (h ^ (h >>> 16)) | 0;
}

function ready(states: EpisodeState[]): EpisodeState[] {
  return states.filter((state) => state.phase === "ready");
}

/** One `generate` call for the batch; if it throws, each context is retried alone so only the failing ones error. */
async function generateIsolated(
  batch: EpisodeState[],
  ctx: RolloutContext,
  options: RolloutOptions,
): Promise<(Generation | Error)[]> {
  const { limits } = ctx;
  const sampling = options.sampling ?? {};
  const request = (states: EpisodeState[]) =>
    options.policy.generate(states.map((state) => state.episode.tokens()), {
      stop: ctx.parser.stop,
      maxNewTokens: states.map((state) =>
        Math.min(limits.maxNewTokensPerTurn, limits.maxTotalResponseTokens - state.responseTokens)
      ),
      temperature: sampling.temperature,
      topP: sampling.topP,
      topK: sampling.topK,
      seed: sampling.seed,
      seeds: sampling.seed === undefined ? undefined : states.map((state) => turnSeed(sampling.seed!, state.index, state.turns)),
      sampleIds: states.map((state) => state.episode.sampleId),
      toolResults: states.map((state) => state.episode.calls.map((call) => call.result)),
      signal: ctx.signal,
    }).then((generations) => {
      if (generations.length !== states.length) {
        throw new Error(
          `the policy returned ${generations.length} generations for ${states.length} contexts; return one per context`,
        );
      }
      return generations as (Generation | Error)[];
    });
  const asError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));
  try {
    return await request(batch);
  } catch (error) {
    ctx.signal?.throwIfAborted();
    if (batch.length === 1) return [asError(error)];
  }
  const alone: (Generation | Error)[] = [];
  for (const state of batch) alone.push(await request([state]).then((g) => g[0], asError));
  return alone;
}

/** Sets each episode's reward from the verifier; a throwing verifier leaves it null and is reported. */
async function score(states: EpisodeState[], verifier: Verifier, errors: RolloutResult["errors"]) {
  await Promise.all(states.map(async ({ episode }) => {
    if (episode.sample === undefined) return;
    try {
      episode.reward = await verifier.score(episode, episode.sample);
    } catch (error) {
      episode.metrics.verifier_error = 1;
      const message = `verifier ${verifier.name}: ${error instanceof Error ? error.message : String(error)}`;
      errors.push({ episodeId: episode.id, message });
    }
  }));
}
