/**
 * HTTP plumbing of the OpenAI-compatible policy, on web-standard `fetch` only: a concurrency limit,
 * POSTs of JSON with a time-out per attempt, and retries with exponential back-off on 429, 5xx,
 * network errors and time-outs. Other 4xx answers are not retried: they say the request is wrong.
 */

/** Limits the number of tasks running at once. */
export interface Limiter {
  run<T>(task: () => Promise<T>): Promise<T>;
}

/** A limiter that lets at most `width` tasks run at once, first come first served. */
export function createLimiter(width: number): Limiter {
  if (!Number.isInteger(width) || width < 1) {
    throw new Error(`concurrency must be a positive integer, got ${width}`);
  }
  let running = 0;
  const waiting: (() => void)[] = [];
  return {
    async run(task) {
      if (running >= width) await new Promise<void>((resolve) => waiting.push(resolve));
      else running += 1;
      try {
        return await task();
      } finally {
        const next = waiting.shift();
        if (next) next(); // the slot passes straight to the next task
        else running -= 1;
      }
    },
  };
}

/** How a POST is retried and timed out. */
export interface RetryOptions {
  /** Retries after the first attempt. */
  retries: number;
  /** Time limit of one attempt, in milliseconds. */
  timeoutMs: number;
  /** First back-off, doubled after each failed attempt (with jitter), capped by `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs: number;
  fetch: typeof fetch;
  headers: Record<string, string>;
  /** Cancels the request and any wait between attempts. */
  signal?: AbortSignal;
  /** Called before each retry with the reason of the failed attempt. */
  onRetry?: (reason: string) => void;
}

/** A failed attempt; `retryable` says whether another attempt may succeed. */
class AttemptError extends Error {
  constructor(message: string, readonly retryable: boolean, readonly retryAfterMs: number | null = null) {
    super(message);
  }
}

/**
 * POSTs `body` as JSON to `url` and returns the parsed JSON answer, retrying as `options` say;
 * throws the last failure (with status and body text) once the retries are spent.
 */
export async function postJson(url: string, body: unknown, options: RetryOptions): Promise<unknown> {
  const payload = JSON.stringify(body);
  let failure: AttemptError | null = null;
  for (let attempt = 0; attempt <= options.retries; attempt++) {
    if (failure) {
      options.onRetry?.(failure.message);
      const backoff = Math.min(options.maxBackoffMs, options.backoffMs * 2 ** (attempt - 1));
      await sleep(failure.retryAfterMs ?? backoff * (0.5 + Math.random() / 2), options.signal);
    }
    try {
      return await attemptPost(url, payload, options);
    } catch (error) {
      if (!(error instanceof AttemptError)) throw error;
      failure = error;
      if (!error.retryable) break;
    }
  }
  const tries = options.retries + 1;
  throw new Error(`${failure!.message}${failure!.retryable ? ` (gave up after ${tries} attempt${tries > 1 ? "s" : ""})` : ""}`);
}

async function attemptPost(url: string, payload: string, options: RetryOptions): Promise<unknown> {
  options.signal?.throwIfAborted();
  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onAbort, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`timed out after ${options.timeoutMs} ms`));
  }, options.timeoutMs);
  try {
    const response = await options.fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...options.headers },
      body: payload,
      signal: controller.signal,
    });
    const text = await response.text();
    if (!response.ok) {
      const retryable = response.status === 429 || response.status >= 500;
      const retryAfter = Number(response.headers.get("retry-after"));
      throw new AttemptError(
        `POST ${url} answered ${response.status}: ${text.slice(0, 300)}`,
        retryable,
        retryable && retryAfter > 0 ? Math.min(retryAfter * 1000, options.maxBackoffMs) : null,
      );
    }
    try {
      return JSON.parse(text);
    } catch {
      throw new AttemptError(`POST ${url} answered 200 with a body that is not JSON: ${text.slice(0, 200)}`, false);
    }
  } catch (error) {
    if (error instanceof AttemptError) throw error;
    if (options.signal?.aborted) throw options.signal.reason ?? error;
    if (timedOut) throw new AttemptError(`POST ${url} timed out after ${options.timeoutMs} ms`, true);
    throw new AttemptError(`POST ${url} failed: ${(error as Error).message ?? error}`, true);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
