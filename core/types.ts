/**
 * The contracts of toolrl's core, in one place: segments and episodes, tokenizers, parsers,
 * tools, verifiers, tasks, policies and rollout limits. Everything here is runtime-free.
 * Implementations live in the folders beside this file; plugins and the trainer build on these types.
 */
import type { GenericSchema } from "valibot";

// ---------------------------------------------------------------------------------------------
// Tokenizer

/** Text to token ids and back. Segments are encoded one by one and concatenated, never re-encoded whole. */
export interface Tokenizer {
  /** Number of ids; every id is in `[0, vocabSize)`. */
  readonly vocabSize: number;
  /** Special strings (format tags, chat markers, EOS, pad) that encode to one id each. */
  readonly specialTokens: Readonly<Record<string, number>>;
  readonly eosId: number;
  readonly padId: number;
  readonly bosId: number | null;
  encode(text: string): number[];
  decode(ids: ArrayLike<number>): string;
}

// ---------------------------------------------------------------------------------------------
// Episodes

/** Who produced a stretch of text: the prompt, the model, or a tool (the environment). */
export type Role = "prompt" | "model" | "tool";

/** A stretch of an episode with its tokens; `logprobs` (model segments) are the sampler's. */
export interface Segment {
  role: Role;
  text: string;
  tokens: number[];
  logprobs?: number[];
}

/** Why an episode ended. */
export type EpisodeStatus =
  | "running"
  | "done"
  | "truncated"
  | "max_turns"
  | "max_tool_calls"
  | "error";

/** What went wrong with a tool call; fed back to the model as the tool result and counted. */
export type ToolErrorKind =
  | "bad_json"
  | "bad_format"
  | "missing_tag"
  | "unclosed"
  | "unknown_tool"
  | "invalid_arguments"
  | "tool_exception"
  | "timeout"
  | "limit";

/** One tool call as it happened in an episode. */
export interface ToolCallRecord {
  turn: number;
  name: string;
  arguments: unknown;
  /** The text fed back to the model (after truncation). */
  result: string;
  error: ToolErrorKind | null;
  durationMs: number;
}

/**
 * An episode's metrics, with the names the rollout loop logs (snake_case, one spelling each): counters per
 * episode, tool errors per kind (`tool_errors/<kind>`) and what tools report (`tool/<name>/<key>`). Other keys are
 * refused by the type, so `toolCalls` beside `tool_calls` cannot happen.
 */
export type EpisodeMetrics =
  & {
    /** Model turns. */
    turns?: number;
    /** Model tokens, summed over turns. */
    response_tokens?: number;
    /** Tool calls made (malformed and refused ones included). */
    tool_calls?: number;
    /** Tool calls that ended in an error. */
    tool_errors?: number;
    /** Milliseconds spent in tools. */
    tool_ms?: number;
    /** Reward contributions the tools returned, summed. */
    tool_reward?: number;
    /** 1 when the verifier threw (the reward is then 0). */
    verifier_error?: number;
  }
  & { [key: `tool_errors/${string}` | `tool/${string}/${string}`]: number };

/** A plain-data episode, as written to JSONL. */
export interface EpisodeRecord {
  id: string;
  prompt: string;
  response: string;
  tokens: number[];
  mask: number[];
  reward: number | null;
  status: EpisodeStatus;
  calls: ToolCallRecord[];
  metrics: EpisodeMetrics;
  sample?: unknown;
  /** The tool-call format the episode was written in. */
  format?: FormatName;
  /** The id of the task sample it was rolled out for. */
  sampleId?: string;
}

/** An episode: ordered segments, tool-call records, reward, status and metrics. */
export interface Episode {
  id: string;
  segments: Segment[];
  calls: ToolCallRecord[];
  reward: number | null;
  status: EpisodeStatus;
  metrics: EpisodeMetrics;
  /** The task sample this episode was rolled out for, if any. */
  sample?: Sample;
  /** The id of that sample (kept when the sample itself is not). */
  sampleId?: string;
  /** The tool-call format its turns are written in; verifiers read it (never guess it from the text). */
  format?: FormatName;
  /** All token ids, segment by segment. */
  tokens(): number[];
  /** 1 exactly on tokens the model generated, 0 on prompt and tool tokens; same length as `tokens()`. */
  mask(): number[];
  /** The whole text, segment by segment. */
  text(): string;
  /** Everything after the prompt. */
  response(): string;
  /** A rendering for terminals with one colour per role (TRL's `show_text`). */
  show(options?: { color?: boolean }): string;
  toJSON(): EpisodeRecord;
}

// ---------------------------------------------------------------------------------------------
// Parsers

/**
 * The name of a tool-call format: a built-in (submit, hermes, react, llama3_json) or one a plugin registered
 * with `registerFormat`. Open: any string, checked against the registry where it is used.
 */
export type FormatName = "submit" | "hermes" | "react" | (string & {});

/** The name of a parser: a format's name. */
export type ParserName = FormatName;

/** A tool call found in model text. `arguments` is the raw query string in formats whose arguments are text (submit), parsed JSON otherwise. */
export interface ParsedCall {
  name: string;
  arguments: unknown;
  /** Where the call starts in the parsed text; results are written back in this order. */
  offset?: number;
}

/** A malformed call found in model text; never thrown, always returned. */
export interface ParseError {
  kind: Extract<ToolErrorKind, "bad_json" | "bad_format" | "missing_tag" | "unclosed" | "unknown_tool">;
  message: string;
  /** The offending stretch of model text. */
  text: string;
  /** Where the stretch starts in the parsed text; results are written back in this order. */
  offset?: number;
}

/** What one model turn says: tool calls, the final answer (if it gave one), and malformed calls. */
export interface ParseResult {
  calls: ParsedCall[];
  final: string | null;
  errors: ParseError[];
}

/** A result to write back to the model, one per call or parse error, in order. */
export interface ToolOutput {
  name: string;
  text: string;
  error: ToolErrorKind | null;
}

/** One tool-call format: how to stop generation, read calls and answers, and write results back. */
export interface Parser {
  name: ParserName;
  /** True when a call's arguments are the raw query text (submit), handed to the tool's `fromText`. */
  argumentsAsText?: boolean;
  /** Stop strings for generation; the model's text keeps the stop string it wrote. */
  stop: string[];
  /** Strings that should be single tokens in a tokenizer made for this format. */
  specialTokens: string[];
  /** Parses one model turn; `toolNames` (when given) turns unknown names into `unknown_tool` errors. */
  parse(text: string, toolNames?: readonly string[]): ParseResult;
  /** The tool segment appended after a model turn (`modelText`) that made calls. */
  renderResults(outputs: ToolOutput[], modelText: string): string;
}

// ---------------------------------------------------------------------------------------------
// Tools, verifiers, tasks, plugins

/** What a tool returns: text, or text with an optional reward contribution and metrics. */
export type ToolReturn = string | { text: string; reward?: number; metrics?: Record<string, number> };

/** What a running tool gets besides its arguments. */
export interface ToolContext {
  /** Aborted when the call times out or the rollout is cancelled. */
  signal: AbortSignal;
  /** Id of the episode making the call (for per-episode state such as a Python session). */
  episodeId: string;
}

/** A tool: a name, an OpenAI-style description, a valibot schema for its arguments, and `run`. */
export interface Tool<TArgs = unknown> {
  name: string;
  description: string;
  parameters: GenericSchema<unknown, TArgs>;
  run(args: TArgs, context: ToolContext): ToolReturn | Promise<ToolReturn>;
  /** Time limit per call in milliseconds. */
  timeoutMs: number;
  /** Maps the raw query of a format whose arguments are text (submit's `<request><Tool>query<call>`) to arguments. */
  fromText?(query: string): unknown;
  /** Called when an episode ends, to drop per-episode state. */
  release?(episodeId: string): void | Promise<void>;
}

/** The outcome of one validated, time-limited tool call. */
export interface ToolCallOutcome {
  text: string;
  error: ToolErrorKind | null;
  reward?: number;
  metrics?: Record<string, number>;
  durationMs: number;
}

/** A task sample: a question and its answer, plus whatever the task needs. */
export interface Sample {
  id: string;
  question: string;
  answer: unknown;
  [key: string]: unknown;
}

/**
 * Scores an episode for a sample; rewards compose by weighted sums. The episode carries its `format` and
 * `sampleId`, so a verifier that depends on the format reads it there.
 */
export interface Verifier<S extends Sample = Sample> {
  name: string;
  score(episode: Episode, sample: S): number | Promise<number>;
}

/** A built-in or user task: samples from a seed, prompts per format, a reference solver and a verifier. */
export interface Task<S extends Sample = Sample> {
  name: string;
  description: string;
  /** The tools a policy may call on this task. */
  tools: Tool[];
  /** `n` samples from `seed`; `split: "eval"` draws from seeds disjoint from training. */
  samples(options: { seed: number; n: number; split?: "train" | "eval"; variant?: string }): S[];
  /** The prompt text for a sample in a format (few-shot header included where the task has one). */
  prompt(sample: S, format: FormatName): string;
  /**
   * The reference solver: the next model turn, given the text of every tool result the episode has had so far
   * (in call order; empty on the first turn), as the rollout loop recorded them.
   */
  solve(sample: S, format: FormatName, toolResults: readonly string[]): string;
  /**
   * Optional: the final turn a model writes without any tool, in the task's own guess style (right on easy
   * samples, wrong on hard ones). Demonstrations use it for the episodes that `--sft-tool-rate` leaves unaided.
   */
  answerUnaided?(sample: S, format: FormatName): string;
  verifier: Verifier<S>;
  /** Limits that suit the task (merged under the caller's). */
  limits?: Partial<RolloutLimits>;
}

/** A plugin: a named bundle of tools, verifiers and tasks. */
export interface Plugin {
  name: string;
  tools: Tool[];
  verifiers: Verifier[];
  tasks: Task[];
  /** Names of the tool-call formats the plugin registered (with `registerFormat`) when it was made. */
  formats?: string[];
}

// ---------------------------------------------------------------------------------------------
// Policy

/** Sampling settings for one `generate` call. */
export interface GenerateOptions {
  /** Stop strings: a sequence stops after writing one of them (kept in its output). */
  stop?: string[];
  /** Maximum new tokens, for all contexts or per context. */
  maxNewTokens: number | number[];
  temperature?: number;
  topP?: number;
  topK?: number;
  /** Seed of the sampling streams; context i samples from stream (seed, i) unless `seeds` is given. */
  seed?: number;
  /**
   * One seed per context (overrides `seed`): context i samples from its own stream seeded by `seeds[i]`, so
   * what it samples does not depend on which other contexts share the call. The rollout loop seeds per
   * (episode, turn) this way.
   */
  seeds?: number[];
  /**
   * The task sample each context is for, by id, where the caller knows it (the rollout loop passes its
   * episodes' `sampleId`s). Samplers ignore it; a policy that plays a task's solver finds its sample by it.
   */
  sampleIds?: (string | undefined)[];
  /**
   * The text of each context's tool results so far, in call order, where the caller knows them (the rollout loop
   * passes its episodes' call records). Samplers ignore it; a policy that plays a task's solver answers from it.
   */
  toolResults?: (readonly string[])[];
  signal?: AbortSignal;
}

/** The new tokens for one context, with their logprobs where the backend has them. */
export interface Generation {
  tokens: number[];
  logprobs?: number[];
  finishReason: "stop" | "eos" | "length";
}

/** Anything that continues token contexts: the trainer's engine, an ONNX model, an OpenAI-compatible server. */
export interface Policy {
  generate(contexts: number[][], options: GenerateOptions): Promise<Generation[]>;
  /**
   * True when concurrent `generate` calls share decoding steps (a row joins the running batch at the next
   * step and its call returns when its own rows finish), as the engine's do with its prefix cache on: the
   * async rollout loop then calls once per episode as soon as that episode is ready.
   */
  readonly batchesConcurrentCalls?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Rollout

/** Where a too-long tool response is cut: left drops the head, right drops the tail, middle keeps both ends. */
export type TruncateSide = "left" | "right" | "middle";

/** Limits per rollout (names follow MindSpeed-RL and verl). */
export interface RolloutLimits {
  /** Model turns per episode. */
  maxTurns: number;
  /** Tool calls per episode; further calls get a `limit` error and end the episode with `max_tool_calls`. */
  maxToolCalls: number;
  /** Tool calls run at once within one turn. */
  maxParallelCalls: number;
  /** Model tokens per episode, summed over turns. */
  maxTotalResponseTokens: number;
  /** New tokens per model turn. */
  maxNewTokensPerTurn: number;
  /** Length of one tool response, in `toolResponseUnit`. */
  maxToolResponseLength: number;
  toolResponseUnit: "tokens" | "chars";
  truncateSide: TruncateSide;
}
