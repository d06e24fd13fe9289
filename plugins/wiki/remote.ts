/** A client for any Search-R1 `/retrieve` service: `POST {queries, topk, return_scores}` → `{result: [[...]]}`. */
import { fromContents, type Passage } from "./format.ts";
import { isRedirect } from "../sandbox/client.ts";

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
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ queries: [query], topk: options.topk, return_scores: true }),
      redirect: "manual",
      signal,
    });
  } catch (error) {
    if (timeout.aborted) throw new Error(`the retrieval service ${url} did not answer within ${timeoutMs} ms`);
    throw new Error(`the retrieval service ${url} could not be reached: ${(error as Error).message}`);
  }
  if (isRedirect(response)) {
    await response.body?.cancel();
    const location = response.headers.get("location") ?? "(hidden)";
    throw new Error(`the retrieval service ${url} answered a redirect to ${location}; the query is not re-sent elsewhere, give the final URL`);
  }
  const body = await response.text();
  if (!response.ok) throw new Error(`the retrieval service ${url} answered ${response.status}: ${body.slice(0, 200)}`);
  let result: unknown;
  try {
    result = JSON.parse(body).result;
  } catch {
    throw new Error(`the retrieval service ${url} sent invalid JSON: ${body.slice(0, 200)}`);
  }
  if (!Array.isArray(result) || !Array.isArray(result[0])) {
    throw new Error(`the retrieval service ${url} sent no result list: ${body.slice(0, 200)}`);
  }
  return result[0].slice(0, options.topk).map((item: unknown) => passageOf(item, url));
}
