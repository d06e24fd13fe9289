/**
 * A client for SandboxFusion's `POST /run_code`: the request and response shapes of
 * bytedance/SandboxFusion, retries with exponential back-off when the service answers HTTP 504
 * (its gateway's "busy"), and a time limit per request.
 */

/** SandboxFusion's `/run_code` request (fields we send; the service accepts more). */
export interface RunCodeRequest {
  code: string;
  language: string;
  compile_timeout?: number;
  run_timeout?: number;
  memory_limit_MB?: number;
  stdin?: string;
  files?: Record<string, string>;
}

/** The result of compiling or running, as SandboxFusion reports it. */
export interface CommandResult {
  status: "Finished" | "Error" | "TimeLimitExceeded" | string;
  execution_time?: number | null;
  return_code?: number | null;
  stdout?: string | null;
  stderr?: string | null;
}

/** SandboxFusion's `/run_code` response; HTTP 200 even when the code failed. */
export interface RunCodeResponse {
  status: "Success" | "Failed" | "SandboxError" | string;
  message?: string;
  compile_result?: CommandResult | null;
  run_result?: CommandResult | null;
  executor_pod_name?: string | null;
  files?: Record<string, string>;
}

/** Where the service is and how patiently to call it. */
export interface SandboxClientOptions {
  /** Base URL of the service (e.g. `http://127.0.0.1:8080`) or its full `/run_code` endpoint. */
  url: string;
  /** Time limit of one HTTP request in milliseconds (default 30000). */
  requestTimeoutMs?: number;
  /** Further attempts after an HTTP 504 (default 3). */
  retries?: number;
  /** Wait before the first retry, doubled for each next one (default 500 ms). */
  backoffMs?: number;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", stop);
      resolve();
    }, ms);
    const stop = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", stop, { once: true });
  });
}

/** The `/run_code` endpoint of a base URL or endpoint. */
export function runCodeEndpoint(url: string): string {
  return url.replace(/\/+$/, "").endsWith("/run_code") ? url.replace(/\/+$/, "") : `${url.replace(/\/+$/, "")}/run_code`;
}

/**
 * Sends one `/run_code` request, retrying on HTTP 504; throws with the service's words on any other failure.
 *
 * @example
 * ```ts
 * const out = await runCode({ url: "http://127.0.0.1:8080" }, { code: "print(1)", language: "python" });
 * out.run_result?.stdout; // "1\n"
 * ```
 */
export async function runCode(
  client: SandboxClientOptions,
  request: RunCodeRequest,
  options: { signal?: AbortSignal } = {},
): Promise<RunCodeResponse> {
  const { requestTimeoutMs = 30_000, retries = 3, backoffMs = 500 } = client;
  const endpoint = runCodeEndpoint(client.url);
  for (let attempt = 0;; attempt++) {
    const timeout = AbortSignal.timeout(requestTimeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(request),
        redirect: "manual",
        signal,
      });
    } catch (error) {
      if (timeout.aborted) throw new Error(`SandboxFusion at ${endpoint} did not answer within ${requestTimeoutMs} ms`);
      throw new Error(`SandboxFusion at ${endpoint} could not be reached: ${(error as Error).message}`);
    }
    if (isRedirect(response)) {
      await response.body?.cancel();
      const location = response.headers.get("location") ?? "(hidden)";
      throw new Error(`SandboxFusion at ${endpoint} answered a redirect to ${location}; the code is not re-sent elsewhere, give the final URL`);
    }
    const body = await response.text();
    if (response.status === 504 && attempt < retries) {
      await sleep(backoffMs * 2 ** attempt, options.signal);
      continue;
    }
    if (!response.ok) {
      const tries = response.status === 504 ? ` after ${attempt + 1} attempts` : "";
      throw new Error(`SandboxFusion at ${endpoint} answered HTTP ${response.status}${tries}: ${body.slice(0, 200)}`);
    }
    let parsed: RunCodeResponse;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new Error(`SandboxFusion at ${endpoint} sent invalid JSON: ${body.slice(0, 200)}`);
    }
    if (typeof parsed?.status !== "string") {
      throw new Error(`SandboxFusion at ${endpoint} sent a response without a status: ${body.slice(0, 200)}`);
    }
    return parsed;
  }
}

/** Whether `response` is a redirect left unfollowed (`redirect: "manual"`; browsers hide it as `opaqueredirect`). */
export function isRedirect(response: Response): boolean {
  return response.type === "opaqueredirect" || (response.status >= 300 && response.status < 400);
}
