/**
 * Turns one choice of a `/v1/completions` answer into a `Generation` with toolrl's meaning:
 * the output keeps the stop string it ended on, an EOS ends it with the EOS id, and tokens are
 * the server's own ids where it returns them.
 *
 * Where ids come from, in order: `token_ids` (vLLM >= 0.10.2 `return_token_ids`, lmdeploy),
 * `tokens` as integers (llama.cpp `return_tokens`), `logprobs.tokens` as `"token_id:N"` strings
 * (vLLM `return_tokens_as_token_ids`); otherwise the completion text is encoded with the policy's
 * tokenizer (`retokenized`), which may split text differently from the model's sampling.
 */
import type { Generation, Tokenizer } from "../../types.ts";

/** The fields of a completion choice that the policy reads (servers add their own). */
export interface CompletionChoice {
  text?: unknown;
  finish_reason?: unknown;
  /** vLLM: the stop string or stop token id that ended the output; null for EOS. */
  stop_reason?: unknown;
  /** SGLang: the stop string or token id that matched. */
  matched_stop?: unknown;
  /** llama.cpp: the stop string that matched. */
  stopping_word?: unknown;
  token_ids?: unknown;
  tokens?: unknown;
  logprobs?: { tokens?: unknown; token_logprobs?: unknown } | null;
}

/** A generation and whether its tokens had to be re-encoded from text. */
export interface ChoiceResult {
  generation: Generation;
  retokenized: boolean;
}

const isIds = (value: unknown): value is number[] =>
  Array.isArray(value) && value.every((id) => Number.isInteger(id) && id >= 0);

/** Token ids the server gave for the choice, or null. */
function serverIds(choice: CompletionChoice): number[] | null {
  if (isIds(choice.token_ids)) return choice.token_ids;
  if (isIds(choice.tokens)) return choice.tokens;
  const named = choice.logprobs?.tokens;
  if (Array.isArray(named) && named.length > 0 && named.every((t) => typeof t === "string" && /^token_id:\d+$/.test(t))) {
    return named.map((t: string) => Number(t.slice("token_id:".length)));
  }
  return null;
}

/** Per-token logprobs when the server gave exactly one number per token. */
function serverLogprobs(choice: CompletionChoice, count: number): number[] | undefined {
  const values = choice.logprobs?.token_logprobs;
  if (!Array.isArray(values) || values.length !== count) return undefined;
  return values.every((x) => typeof x === "number" && Number.isFinite(x)) ? values : undefined;
}

/** The first stop string, in text order, that `text` contains, with where it ends. */
function firstStop(text: string, stops: readonly string[]): { stop: string; end: number } | null {
  let best: { stop: string; end: number } | null = null;
  for (const stop of stops) {
    const at = stop === "" ? -1 : text.indexOf(stop);
    if (at !== -1 && (best === null || at + stop.length < best.end)) best = { stop, end: at + stop.length };
  }
  return best;
}

/** The stop string the server reports as matched, if it is one of ours. */
function reportedStop(choice: CompletionChoice, stops: readonly string[]): string | null {
  for (const value of [choice.stop_reason, choice.matched_stop, choice.stopping_word]) {
    if (typeof value === "string" && stops.includes(value)) return value;
  }
  return null;
}

/**
 * Reads `choice` for a request with stop strings `stops`.
 * Throws when the choice has no text and no ids (the answer is not a completion).
 */
export function readChoice(
  choice: CompletionChoice,
  options: { tokenizer: Tokenizer; stops: readonly string[] },
): ChoiceResult {
  const { tokenizer, stops } = options;
  const ids = serverIds(choice);
  if (ids === null && typeof choice.text !== "string") {
    throw new Error(`the completion choice has neither "text" nor token ids: ${JSON.stringify(choice).slice(0, 200)}`);
  }
  let tokens = ids ?? tokenizer.encode(choice.text as string);
  let logprobs = serverLogprobs(choice, tokens.length);
  const decoded = () => tokenizer.decode(tokens);

  // A stop string inside the output (the server ignored `stop`, or kept it): cut right after the first one.
  const inside = stops.length > 0 ? firstStop(decoded(), stops) : null;
  if (inside) {
    const keep = shortestPrefixReaching(tokens, inside.end, tokenizer);
    if (keep < tokens.length) {
      tokens = tokens.slice(0, keep);
      logprobs = logprobs?.slice(0, keep);
    }
    return { generation: withLogprobs({ tokens, finishReason: "stop" }, logprobs), retokenized: ids === null };
  }
  if (tokens.at(-1) === tokenizer.eosId) {
    return { generation: withLogprobs({ tokens, finishReason: "eos" }, logprobs), retokenized: ids === null };
  }
  if (choice.finish_reason !== "stop") {
    return { generation: withLogprobs({ tokens, finishReason: "length" }, logprobs), retokenized: ids === null };
  }
  // Stopped, but the output does not show why: the server trimmed the stop string, or hit EOS and hid it.
  // The appended tokens have no logprobs, so the generation then carries none.
  const stop = reportedStop(choice, stops);
  const tail = stop !== null ? tokenizer.encode(stop) : [tokenizer.eosId];
  return {
    generation: { tokens: [...tokens, ...tail], finishReason: stop !== null ? "stop" : "eos" },
    retokenized: ids === null,
  };
}

function withLogprobs(generation: Generation, logprobs: number[] | undefined): Generation {
  return logprobs ? { ...generation, logprobs } : generation;
}

/** The fewest leading tokens whose text is at least `chars` UTF-16 units long. */
function shortestPrefixReaching(tokens: number[], chars: number, tokenizer: Tokenizer): number {
  for (let k = 1; k <= tokens.length; k++) {
    if (tokenizer.decode(tokens.slice(0, k)).length >= chars) return k;
  }
  return tokens.length;
}
