/**
 * A `Policy` backed by any OpenAI-compatible `/v1/completions` server (vLLM, SGLang, llama.cpp
 * server, lmdeploy...): this is how rollouts scale past one machine. One request per context, at
 * most `concurrency` in flight (the server batches them); each attempt has a time limit and failed
 * attempts (429, 5xx, network errors, time-outs) are retried with exponential back-off.
 *
 * Prompts go as token ids by default, so the server sees exactly the tokens of the episode; the
 * server must use the same tokenizer as `tokenizer`. With `serverExtensions` (default on) the request
 * also asks vLLM/SGLang/lmdeploy to return token ids and keep the stop string in the output; servers
 * that ignore those fields still work: the completion text is then re-encoded with `tokenizer`
 * (counted in `stats.retokenized` and reported once through `warn`), and a trimmed stop string is
 * put back from the reported `stop_reason` / `matched_stop` / `stopping_word`.
 * Sampled-token logprobs are returned when the server gives one per token.
 */
import type { GenerateOptions, Generation, Policy, Tokenizer } from "../../types.ts";
import { type CompletionChoice, readChoice } from "./choice.ts";
import { createLimiter } from "./concurrency.ts";
import { HttpError, postJson } from "../../http/request_json.ts";

/** Options of `openaiPolicy`. */
export interface OpenAIPolicyOptions {
  /** Server address, with or without the `/v1` suffix: `http://127.0.0.1:8000` or `http://host/v1`. */
  baseUrl: string;
  /** Model name as the server knows it. */
  model: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** The tokenizer the served model uses (ids must agree). */
  tokenizer: Tokenizer;
  /** Requests in flight at once. Default 8. */
  concurrency?: number;
  /** Retries of a failed request (429, 5xx, network error, time-out). Default 3. */
  retries?: number;
  /** Time limit of one attempt in milliseconds. Default 120000. */
  timeoutMs?: number;
  /** First back-off in milliseconds, doubled per retry (a `Retry-After` header wins). Default 500. */
  backoffMs?: number;
  /** Longest back-off in milliseconds. Default 10000. */
  maxBackoffMs?: number;
  /** Send the prompt as token ids (default) or as decoded text. */
  promptAs?: "tokens" | "text";
  /** Ask for the sampled tokens' logprobs (`logprobs: 1`; vLLM gives the raw, temperature-1 ones). Default true. */
  logprobs?: boolean;
  /** Add vLLM/SGLang fields (token ids, stop string kept, special tokens kept). Default true; turn off for servers that reject unknown fields. */
  serverExtensions?: boolean;
  /** More fields for every request body (e.g. `{ repetition_penalty: 1.1 }`). */
  extraBody?: Record<string, unknown>;
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
  /** Told once when the server returns no token ids and the text is re-encoded. Default `console.warn`. */
  warn?: (message: string) => void;
}

/** Counters of an `openaiPolicy`, for logs and tests. */
export interface OpenAIPolicyStats {
  requests: number;
  retries: number;
  /** Generations whose tokens were re-encoded from text because the server gave no ids. */
  retokenized: number;
  /** Text prompts the server tokenized differently from the context (its `prompt_token_ids`). */
  promptMismatches: number;
}

/** A policy that also exposes its counters. */
export interface OpenAIPolicy extends Policy {
  readonly stats: OpenAIPolicyStats;
}

const SERVER_EXTENSIONS = {
  return_token_ids: true, // vLLM >= 0.10.2, lmdeploy: choice.token_ids
  return_tokens_as_token_ids: true, // vLLM: logprobs.tokens as "token_id:N"
  include_stop_str_in_output: true, // vLLM, lmdeploy
  no_stop_trim: true, // SGLang
  return_tokens: true, // llama.cpp
  skip_special_tokens: false,
  spaces_between_special_tokens: false,
};

/**
 * A policy that generates through an OpenAI-compatible completions server.
 *
 * @example
 * ```ts
 * const policy = openaiPolicy({ baseUrl: "http://127.0.0.1:8000/v1", model: "Qwen/Qwen2.5-0.5B", tokenizer });
 * const [g] = await policy.generate([tokenizer.encode("2+2=")], { maxNewTokens: 8, temperature: 0 });
 * ```
 */
export function openaiPolicy(options: OpenAIPolicyOptions): OpenAIPolicy {
  const { tokenizer } = options;
  const url = completionsUrl(options.baseUrl);
  const limiter = createLimiter(options.concurrency ?? 8);
  const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
  const warn = options.warn ?? ((message: string) => console.warn(message));
  const headers: Record<string, string> = options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {};
  const stats: OpenAIPolicyStats = { requests: 0, retries: 0, retokenized: 0, promptMismatches: 0 };
  const warned = new Set<string>();
  const warnOnce = (kind: string, message: string) => {
    if (!warned.has(kind)) warn(message);
    warned.add(kind);
  };

  const complete = async (context: number[], index: number, generateOptions: GenerateOptions): Promise<Generation> => {
    const maxNewTokens = Array.isArray(generateOptions.maxNewTokens)
      ? generateOptions.maxNewTokens[index]
      : generateOptions.maxNewTokens;
    if (!Number.isInteger(maxNewTokens) || maxNewTokens < 0) {
      throw new Error(`openaiPolicy: maxNewTokens for context ${index} must be a non-negative integer, got ${maxNewTokens}`);
    }
    if (maxNewTokens === 0) return { tokens: [], finishReason: "length" };
    const stops = generateOptions.stop ?? [];
    const body = requestBody(context, index, maxNewTokens, generateOptions, options);
    const answer = await limiter.run(() => {
      stats.requests += 1;
      const retries = options.retries ?? 3;
      return postJson(url, body, {
        retries,
        timeoutMs: options.timeoutMs ?? 120_000,
        backoffMs: options.backoffMs ?? 500,
        maxBackoffMs: options.maxBackoffMs ?? 10_000,
        fetch: fetchFn,
        headers,
        signal: generateOptions.signal,
        onRetry: () => void (stats.retries += 1),
      }).catch((error) => {
        if (!(error instanceof HttpError) || error.detail.attempts < retries + 1) throw error;
        throw new Error(`${error.message} (gave up after ${error.detail.attempts} attempt${error.detail.attempts > 1 ? "s" : ""})`);
      });
    });
    const choice = (answer as { choices?: CompletionChoice[] } | null)?.choices?.[0];
    if (!choice || typeof choice !== "object") {
      throw new Error(`openaiPolicy: ${url} answered without "choices": ${JSON.stringify(answer).slice(0, 200)}`);
    }
    const { generation, retokenized } = readChoice(choice, { tokenizer, stops });
    if (retokenized) {
      stats.retokenized += 1;
      warnOnce(
        "retokenized",
        `openaiPolicy: ${url} returns no token ids; completions are re-encoded with the local tokenizer, ` +
          `which may split text differently than the model sampled it (vLLM >= 0.10.2 returns ids).`,
      );
    }
    const promptIds = (choice as { prompt_token_ids?: unknown }).prompt_token_ids;
    if (Array.isArray(promptIds) && promptIds.join() !== context.join()) {
      stats.promptMismatches += 1;
      warnOnce(
        "prompt",
        `openaiPolicy: ${url} tokenized a prompt as [${promptIds.slice(0, 12)}...] but the episode has ` +
          `[${context.slice(0, 12)}...]; send token ids (promptAs "tokens") or serve the same tokenizer.`,
      );
    }
    return generation;
  };

  return {
    stats,
    async generate(contexts, generateOptions) {
      // the first failure cancels the other requests of the batch (and the caller's signal cancels all)
      const batch = new AbortController();
      const outer = generateOptions.signal;
      const onOuterAbort = () => batch.abort(outer?.reason);
      if (outer?.aborted) onOuterAbort();
      outer?.addEventListener("abort", onOuterAbort, { once: true });
      try {
        return await Promise.all(contexts.map((context, i) =>
          complete(context, i, { ...generateOptions, signal: batch.signal }).catch((error) => {
            batch.abort(error);
            throw error;
          })
        ));
      } finally {
        outer?.removeEventListener("abort", onOuterAbort);
      }
    },
  };
}

/** `<base>/v1/completions`, whether or not `baseUrl` already ends in `/v1`. */
export function completionsUrl(baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, "");
  if (!/^https?:\/\//.test(base)) {
    throw new Error(`openaiPolicy: baseUrl must start with http:// or https://, got ${JSON.stringify(baseUrl)}`);
  }
  return /\/v1$/.test(base) ? `${base}/completions` : `${base}/v1/completions`;
}

function requestBody(
  context: number[],
  index: number,
  maxNewTokens: number,
  generate: GenerateOptions,
  options: OpenAIPolicyOptions,
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: options.model,
    prompt: options.promptAs === "text" ? options.tokenizer.decode(context) : context,
    max_tokens: maxNewTokens,
    temperature: generate.temperature ?? 1,
    stream: false,
    ...(options.serverExtensions === false ? {} : SERVER_EXTENSIONS),
    ...options.extraBody,
  };
  if (generate.stop && generate.stop.length > 0) body.stop = generate.stop;
  if (generate.topP !== undefined && generate.topP < 1) body.top_p = generate.topP;
  if (generate.topK !== undefined && generate.topK > 0) body.top_k = generate.topK;
  // one seed per context, so that rows sample independently and reproducibly
  if (generate.seeds !== undefined) body.seed = generate.seeds[index];
  else if (generate.seed !== undefined) body.seed = generate.seed + index;
  if (options.logprobs !== false) body.logprobs = 1; // the sampled token's logprob (+ 1 top entry); 0 means none on llama.cpp
  return body;
}
