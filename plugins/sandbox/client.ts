/**
 * A client for SandboxFusion's `POST /run_code`: the request and response shapes of
 * bytedance/SandboxFusion, retries with exponential back-off when the service answers HTTP 504
 * (its gateway's "busy"), and a time limit per request (through the shared `postJson` of core/http).
 */
import { HttpError, postJson } from "../../core/http/request_json.ts";

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
  let parsed: RunCodeResponse;
  try {
    parsed = await postJson(endpoint, request, {
      timeoutMs: requestTimeoutMs,
      retries,
      retryOn: (error) => error.kind === "status" && error.detail.status === 504, // the gateway's "busy"
      backoffMs,
      jitter: false,
      redirects: "refuse",
      signal: options.signal,
    }) as RunCodeResponse;
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    const service = `SandboxFusion at ${endpoint}`;
    const { status, text = "", location, attempts } = error.detail;
    if (error.kind === "timeout") throw new Error(`${service} did not answer within ${requestTimeoutMs} ms`);
    if (error.kind === "network") throw new Error(`${service} could not be reached: ${error.message}`);
    if (error.kind === "redirect") {
      throw new Error(`${service} answered a redirect to ${location}; the code is not re-sent elsewhere, give the final URL`);
    }
    if (error.kind === "not_json") throw new Error(`${service} sent invalid JSON: ${text.slice(0, 200)}`);
    const tries = status === 504 ? ` after ${attempts} attempts` : "";
    throw new Error(`${service} answered HTTP ${status}${tries}: ${text.slice(0, 200)}`);
  }
  if (typeof parsed?.status !== "string") {
    throw new Error(`SandboxFusion at ${endpoint} sent a response without a status: ${JSON.stringify(parsed).slice(0, 200)}`);
  }
  return parsed;
}
