/** A client for any Search-R1 `/retrieve` service: `POST {queries, topk, return_scores}` → `{result: [[...]]}`. */
import { fromContents, type Passage } from "./format.ts";
import { HttpError, postJson } from "../../core/http/request_json.ts";

/** Where the service is and how long to wait for it. */
export interface RemoteRetriever {
  /** The full endpoint, e.g. `http://127.0.0.1:8000/retrieve`. */
  url: string;
  /** Time limit per request in milliseconds (default 5000). */
  timeoutMs?: number;
}

function passageOf(item: unknown, url: string): Passage {
  const document = (item as { document?: unknown })?.document ?? item;
  const contents = (document as { contents?: unknown })?.contents;
  if (typeof contents !== "string") {
    throw new Error(`the retrieval service ${url} sent a hit without "contents": ${JSON.stringify(item).slice(0, 200)}`);
  }
  return fromContents(contents);
}

/**
 * Asks the service for the `topk` best passages of `query`.
 *
 * @example
 * ```ts
 * await retrieveRemote({ url: "http://127.0.0.1:8000/retrieve" }, "Velmora", { topk: 1 });
 * ```
 */
export async function retrieveRemote(
  remote: RemoteRetriever,
  query: string,
  options: { topk: number; signal?: AbortSignal },
): Promise<Passage[]> {
  const { url, timeoutMs = 5000 } = remote;
  const service = `the retrieval service ${url}`;
  let answer: unknown;
  try {
    answer = await postJson(url, { queries: [query], topk: options.topk, return_scores: true }, {
      timeoutMs,
      redirects: "refuse",
      signal: options.signal,
    });
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    const { status, text = "", location } = error.detail;
    if (error.kind === "timeout") throw new Error(`${service} did not answer within ${timeoutMs} ms`);
    if (error.kind === "network") throw new Error(`${service} could not be reached: ${error.message}`);
    if (error.kind === "redirect") {
      throw new Error(`${service} answered a redirect to ${location}; the query is not re-sent elsewhere, give the final URL`);
    }
    if (error.kind === "not_json") throw new Error(`${service} sent invalid JSON: ${text.slice(0, 200)}`);
    throw new Error(`${service} answered ${status}: ${text.slice(0, 200)}`);
  }
  const result = (answer as { result?: unknown } | null)?.result;
  const body = () => JSON.stringify(answer).slice(0, 200);
  if (!Array.isArray(result) || !Array.isArray(result[0])) {
    throw new Error(`${service} sent no result list: ${body()}`);
  }
  return result[0].slice(0, options.topk).map((item: unknown) => passageOf(item, url));
}
