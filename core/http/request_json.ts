/**
 * JSON over HTTP on web-standard `fetch`, the one implementation behind every client of the library (the
 * OpenAI-compatible policy, SandboxFusion's `/run_code`, Search-R1's `/retrieve`, the http tool): a time limit
 * per attempt, retries with exponential back-off (by default on 429, 5xx, network errors and time-outs; 4xx say
 * the request is wrong), `Retry-After` honoured, redirects refused on request (they would re-send the body
 * elsewhere) and a cap on the size of the answer. Failures are `HttpError`s that say what went wrong; each client
 * words its own message from them.
 */

/** What went wrong: an HTTP error status, no answer in time, no connection, a redirect, too big an answer, or not JSON. */
export type HttpFailureKind = "status" | "timeout" | "network" | "redirect" | "too_large" | "not_json";

/** What is known of a failed request: the status, body text and parsed body, a redirect's target, the tries made. */
export interface HttpErrorDetail {
  status?: number;
  text?: string;
  body?: unknown;
  location?: string;
  /** The answer's `Retry-After`, in seconds. */
  retryAfterSeconds?: number;
  attempts: number;
}

/** A failed request, with what is known of it. */
export class HttpError extends Error {
  constructor(
    message: string,
    readonly kind: HttpFailureKind,
    readonly url: string,
    readonly detail: HttpErrorDetail,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/** How a JSON request is sent, timed out and retried. */
export interface RequestJsonOptions {
  method?: "GET" | "POST";
  /** Sent as JSON (POST). */
  body?: unknown;
  /** Time limit of one attempt, in milliseconds. */
  timeoutMs: number;
  /** Retries after the first attempt (default 0). */
  retries?: number;
  /** Whether a failed attempt is worth another (default: status 429 or 5xx, a time-out or a network error). */
  retryOn?: (error: HttpError) => boolean;
  /** First back-off in ms (default 500), doubled after each failed attempt, capped by `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Wait a random 50-100% of each back-off, so many clients do not retry in step (default true). */
  jitter?: boolean;
  /** `"refuse"`: a redirect is an error naming where it pointed (default `"follow"`). */
  redirects?: "follow" | "refuse";
  /** Largest answer read, in bytes (default: no limit). */
  maxResponseBytes?: number;
  headers?: Record<string, string>;
  fetch?: typeof fetch;
  /** Cancels the request and any wait between attempts (rejects with the signal's reason). */
  signal?: AbortSignal;
  /** Called before each retry with the failure that caused it. */
  onRetry?: (error: HttpError) => void;
}

const retryableByDefault = (error: HttpError) =>
  error.kind === "timeout" || error.kind === "network" ||
  (error.kind === "status" && (error.detail.status === 429 || error.detail.status! >= 500));

/**
 * Sends one JSON request (retrying as `options` say) and returns the parsed JSON answer; throws an `HttpError`
 * once the retries are spent, or at once when the failure is not worth retrying.
 *
 * @example
 * ```ts
 * const answer = await requestJson("http://127.0.0.1:8000/retrieve", { method: "POST", body: { queries: ["q"] }, timeoutMs: 5000 });
 * ```
 */
export async function requestJson(url: string, options: RequestJsonOptions): Promise<unknown> {
  const { retries = 0, backoffMs = 500, maxBackoffMs = Infinity, jitter = true, retryOn = retryableByDefault } = options;
  let failure: HttpError | null = null;
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (failure) {
      options.onRetry?.(failure);
      const backoff = Math.min(maxBackoffMs, backoffMs * 2 ** (attempt - 1)) * (jitter ? 0.5 + Math.random() / 2 : 1);
      await sleep(retryAfterMs(failure, maxBackoffMs) ?? backoff, options.signal);
    }
    try {
      return await attemptRequest(url, options, attempt + 1);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      failure = error;
      if (!retryOn(error)) break;
    }
  }
  throw failure!;
}

/**
 * POSTs `body` as JSON to `url` and returns the parsed JSON answer; `requestJson` with `method: "POST"`.
 *
 * @example const answer = await postJson("http://127.0.0.1:8080/run_code", { code: "print(1)", language: "python" }, { timeoutMs: 30_000, retries: 3 });
 */
export function postJson(url: string, body: unknown, options: Omit<RequestJsonOptions, "method" | "body">): Promise<unknown> {
  return requestJson(url, { ...options, method: "POST", body });
}

/** A `Retry-After` (in seconds) of a retryable status answer, in ms, capped by `maxBackoffMs`. */
function retryAfterMs(failure: HttpError, maxBackoffMs: number): number | null {
  const seconds = failure.detail.retryAfterSeconds ?? 0;
  return seconds > 0 ? Math.min(seconds * 1000, maxBackoffMs) : null;
}

async function attemptRequest(url: string, options: RequestJsonOptions, attempts: number): Promise<unknown> {
  options.signal?.throwIfAborted();
  const fail = (kind: HttpFailureKind, message: string, detail: Omit<HttpErrorDetail, "attempts"> = {}) =>
    new HttpError(message, kind, url, { ...detail, attempts });
  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onAbort, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`timed out after ${options.timeoutMs} ms`));
  }, options.timeoutMs);
  const method = options.method ?? "POST";
  try {
    let response: Response;
    try {
      response = await (options.fetch ?? fetch)(url, {
        method,
        headers: { "content-type": "application/json", ...options.headers },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        redirect: options.redirects === "refuse" ? "manual" : "follow",
        signal: controller.signal,
      });
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason ?? error;
      if (timedOut) throw fail("timeout", `${method} ${url} timed out after ${options.timeoutMs} ms`);
      throw fail("network", `${method} ${url} failed: ${(error as Error).message ?? error}`);
    }
    if (options.redirects === "refuse" && isRedirect(response)) {
      await response.body?.cancel();
      const location = response.headers.get("location") ?? "(hidden)";
      throw fail("redirect", `${method} ${url} answered a redirect to ${location}`, { status: response.status, location });
    }
    const text = await readText(response, options.maxResponseBytes, () => fail("too_large", `the answer from ${url} is larger than ${options.maxResponseBytes} bytes; refused`));
    let body: unknown = undefined;
    let parsed = true;
    try {
      body = JSON.parse(text);
    } catch {
      parsed = false;
    }
    if (!response.ok) {
      const retryAfterSeconds = Number(response.headers.get("retry-after")) || undefined;
      throw fail("status", `${method} ${url} answered ${response.status}: ${text.slice(0, 300)}`, { status: response.status, text, body, retryAfterSeconds });
    }
    if (!parsed) throw fail("not_json", `${method} ${url} answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`, { status: response.status, text });
    return body;
  } catch (error) {
    if (error instanceof HttpError || !timedOut) throw error;
    throw fail("timeout", `${method} ${url} timed out after ${options.timeoutMs} ms`);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  }
}

/** Whether `response` is a redirect left unfollowed (`redirect: "manual"`; browsers hide it as `opaqueredirect`). */
export function isRedirect(response: Response): boolean {
  return response.type === "opaqueredirect" || (response.status >= 300 && response.status < 400);
}

/** The body as text, refusing (and cancelling) it past `maxBytes` when that is given. */
async function readText(response: Response, maxBytes: number | undefined, tooLarge: () => Error): Promise<string> {
  if (maxBytes === undefined) return await response.text();
  if (Number(response.headers.get("content-length") ?? "0") > maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    size += read.value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(read.value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
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
