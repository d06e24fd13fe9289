// requestJson/postJson against a scripted fetch: what is retried and what is not, time-outs, refused
// redirects, the size cap, bodies that are not JSON, and cancellation.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { HttpError, postJson, requestJson } from "./request_json.ts";

const URL_ = "http://service.test/run";

/** A fetch that answers from `replies` in turn and records each request. */
function scripted(replies: (Response | Error | "hang")[]) {
  const seen: { method: string; body: string | null; headers: Headers; redirect: string }[] = [];
  const fetch = (_url: string | URL | Request, init?: RequestInit) => {
    seen.push({
      method: init?.method ?? "GET",
      body: (init?.body as string | undefined) ?? null,
      headers: new Headers(init?.headers),
      redirect: init?.redirect ?? "follow",
    });
    const reply = replies.shift() ?? new Response("{}");
    if (reply === "hang") {
      return new Promise<Response>((_, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal!.reason)));
    }
    return reply instanceof Error ? Promise.reject(reply) : Promise.resolve(reply);
  };
  return { fetch: fetch as typeof globalThis.fetch, seen };
}

const fast = { timeoutMs: 1000, backoffMs: 1, jitter: false };

async function failure(promise: Promise<unknown>): Promise<HttpError> {
  const error = await promise.then(() => null, (e) => e);
  assert.instance(error, HttpError);
  return error as HttpError;
}

test("postJson() sends JSON and returns the parsed answer, retrying 429, 5xx and network errors", async () => {
  const { fetch, seen } = scripted([new Response("busy", { status: 503 }), new TypeError("socket hang up"), new Response("slow", { status: 429 }), new Response('{"ok":1}')]);
  const retried: string[] = [];
  const answer = await postJson(URL_, { a: 1 }, { ...fast, fetch, retries: 3, headers: { authorization: "Bearer t" }, onRetry: (e) => retried.push(e.kind) });
  assert.equal(answer, { ok: 1 });
  assert.equal(retried, ["status", "network", "status"]);
  assert.equal(seen.map((s) => [s.method, s.body, s.headers.get("content-type"), s.headers.get("authorization")]), Array(4).fill(["POST", '{"a":1}', "application/json", "Bearer t"]));
});

test("requestJson() does not retry a 4xx other than 429, and names status and body", async () => {
  const { fetch, seen } = scripted([new Response('{"error":"unknown model x"}', { status: 400 })]);
  const error = await failure(requestJson(URL_, { ...fast, fetch, retries: 3, body: {} }));
  assert.equal([error.kind, error.detail.status, error.detail.attempts, seen.length], ["status", 400, 1, 1]);
  assert.equal(error.detail.body, { error: "unknown model x" });
  assert.match(error.message, 'POST http://service.test/run answered 400: {"error":"unknown model x"}');
});

test("requestJson() gives up after its retries with the last failure, and a caller's retryOn narrows what is retried", async () => {
  const { fetch } = scripted([504, 504, 504].map((status) => new Response("Gateway Timeout", { status })));
  const error = await failure(postJson(URL_, {}, { ...fast, fetch, retries: 2 }));
  assert.equal([error.kind, error.detail.status, error.detail.attempts, error.detail.text], ["status", 504, 3, "Gateway Timeout"]);
  const only504 = scripted([new Response("oops", { status: 500 })]);
  const crashed = await failure(postJson(URL_, {}, { ...fast, fetch: only504.fetch, retries: 2, retryOn: (e) => e.detail.status === 504 }));
  assert.equal([crashed.detail.status, crashed.detail.attempts], [500, 1]);
});

test("requestJson() waits what Retry-After says before the next attempt", async () => {
  const { fetch } = scripted([new Response("later", { status: 429, headers: { "retry-after": "1" } }), new Response("[1]")]);
  const started = Date.now();
  assert.equal(await postJson(URL_, {}, { ...fast, fetch, retries: 1, maxBackoffMs: 200 }), [1]);
  const waited = Date.now() - started;
  assert.ok(waited >= 150 && waited < 1000, `waited ${waited} ms: Retry-After capped by maxBackoffMs 200`);
});

test("requestJson() times an attempt out, and a time-out is retried", async () => {
  const { fetch, seen } = scripted(["hang", "hang"]);
  const error = await failure(postJson(URL_, {}, { ...fast, fetch, timeoutMs: 30, retries: 1 }));
  assert.equal([error.kind, error.detail.attempts, seen.length], ["timeout", 2, 2]);
  assert.match(error.message, "timed out after 30 ms");
});

test("requestJson() with redirects refused names the target and does not follow it", async () => {
  const { fetch, seen } = scripted([new Response(null, { status: 307, headers: { location: "http://elsewhere.test/run" } })]);
  const error = await failure(postJson(URL_, {}, { ...fast, fetch, retries: 2, redirects: "refuse" }));
  assert.equal([error.kind, error.detail.location, error.detail.attempts, seen[0].redirect], ["redirect", "http://elsewhere.test/run", 1, "manual"]);
});

test("requestJson() refuses an answer over maxResponseBytes, declared or streamed", async () => {
  const declared = scripted([new Response("x".repeat(10), { headers: { "content-length": "10" } })]);
  assert.is((await failure(requestJson(URL_, { ...fast, method: "GET", fetch: declared.fetch, maxResponseBytes: 8 }))).kind, "too_large");
  const streamed = scripted([new Response(new Blob(["[", "1,".repeat(20), "1]"]).stream())]);
  const error = await failure(requestJson(URL_, { ...fast, method: "GET", fetch: streamed.fetch, maxResponseBytes: 16 }));
  assert.match(error.message, "larger than 16 bytes");
  const fits = scripted([new Response("[1,2]")]);
  assert.equal(await requestJson(URL_, { ...fast, method: "GET", fetch: fits.fetch, maxResponseBytes: 16 }), [1, 2]);
  assert.is(fits.seen[0].body, null);
});

test("requestJson() does not retry a 200 whose body is not JSON", async () => {
  const { fetch, seen } = scripted([new Response("<html>")]);
  const error = await failure(postJson(URL_, {}, { ...fast, fetch, retries: 3 }));
  assert.equal([error.kind, error.detail.text, seen.length], ["not_json", "<html>", 1]);
});

test("requestJson() rejects with the caller's reason when its signal aborts, during a request or a back-off", async () => {
  const controller = new AbortController();
  const { fetch } = scripted(["hang"]);
  const pending = postJson(URL_, {}, { ...fast, fetch, signal: controller.signal });
  controller.abort(new Error("stop now"));
  assert.is(await pending.then(() => "done", (e: Error) => e.message), "stop now");
  const waiting = new AbortController();
  const busy = scripted([new Response("busy", { status: 503 })]);
  const retrying = postJson(URL_, {}, { ...fast, backoffMs: 10_000, fetch: busy.fetch, retries: 1, signal: waiting.signal });
  setTimeout(() => waiting.abort(new Error("cancelled")), 20);
  assert.is(await retrying.then(() => "done", (e: Error) => e.message), "cancelled");
});

test.run();
