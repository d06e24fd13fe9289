/**
 * Bad requests against a real server on 127.0.0.1: each gets its status code and a structured error,
 * and the server answers the next request as if nothing happened.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ServerHandle } from "./adapter/types.ts";
import { request as httpRequest } from "node:http";
import { postJson, startServer } from "./testing/fixtures.ts";

const TOKEN = "s3cret-token.1";
let open: ServerHandle;
let locked: ServerHandle;

test.before(async () => {
  open = await startServer({ limits: { maxBodyBytes: 2048, maxConcurrentPerTool: 2, maxConcurrent: 3 } });
  locked = await startServer({ auth: { token: TOKEN } });
});
test.after(async () => {
  await Promise.all([open.close(), locked.close()]);
});

async function stillServes(server: ServerHandle, headers: Record<string, string> = {}) {
  const { status, json } = await postJson(`${server.url}/tools/add`, { arguments: { a: 1, b: 2 } }, headers);
  assert.is(status, 200, "the server still serves");
  assert.is(json.text, "3");
}

test("malformed JSON gets 400 bad_json", async () => {
  const { status, json } = await postJson(`${open.url}/tools/add`, '{"arguments": {"a": 1,');
  assert.is(status, 400);
  assert.is(json.error.code, "bad_json");
  await stillServes(open);
});

test("arguments of the wrong type get 400 invalid_arguments with the valibot issues", async () => {
  const { status, json } = await postJson(`${open.url}/tools/add`, { arguments: { a: "1" } });
  assert.is(status, 400);
  assert.is(json.error.code, "invalid_arguments");
  assert.equal(json.error.issues.map((i: { path: string }) => i.path), ["a", "b"]);
  assert.is(json.error.issues[0].expected, "number");
  assert.is(json.error.issues[0].received, '"1"');
  await stillServes(open);
});

test("a body of the wrong shape gets 400 invalid_body on every route", async () => {
  for (const [path, body] of [["/tools/add", { arguments: {}, episodeId: 5 }], ["/run_code", { code: 1 }], ["/retrieve", { queries: "x" }]]) {
    const { status, json } = await postJson(`${open.url}${path}`, body);
    assert.is(status, 400, path as string);
    assert.is(json.error.code, "invalid_body", path as string);
    assert.ok(json.error.issues.length > 0, path as string);
  }
  await stillServes(open);
});

test("a body that is not a JSON object ([], null, a number) gets 400 invalid_body on every route", async () => {
  for (const path of ["/tools/add", "/run_code", "/retrieve"]) {
    for (const body of ["[]", "null", "7", '"text"']) {
      const { status, json } = await postJson(`${open.url}${path}`, body);
      assert.is(status, 400, `${path} ${body}`);
      assert.is(json.error.code, "invalid_body", `${path} ${body}`);
      assert.match(json.error.message, "must be a JSON object");
    }
  }
  await stillServes(open);
});

test("arguments sent at the top level get 400 invalid_body showing the expected shape", async () => {
  const { status, json } = await postJson(`${open.url}/tools/add`, { a: 1, b: 2 });
  assert.is(status, 400);
  assert.is(json.error.code, "invalid_body");
  assert.match(json.error.message, '{"arguments": {...');
  assert.match(json.error.message, /a: unknown key "a"/);
  await stillServes(open);
});

test("an unknown tool gets 404 unknown_tool naming the tools there are", async () => {
  const { status, json } = await postJson(`${open.url}/tools/nope`, { arguments: {} });
  assert.is(status, 404);
  assert.is(json.error.code, "unknown_tool");
  assert.ok(json.error.message.includes("add"), json.error.message);
  await stillServes(open);
});

test("a body over maxBodyBytes gets 413, with or without Content-Length", async () => {
  const big = JSON.stringify({ arguments: { a: 1, b: 2, pad: "x".repeat(4096) } });
  const declared = await postJson(`${open.url}/tools/add`, big);
  assert.is(declared.status, 413);
  assert.is(declared.json.error.code, "payload_too_large");
  const bytes = new TextEncoder().encode(big);
  const streamed = await fetch(`${open.url}/tools/add`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: new ReadableStream({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 1024) controller.enqueue(bytes.subarray(i, i + 1024));
        controller.close();
      },
    }),
    duplex: "half",
  } as RequestInit);
  assert.is(streamed.status, 413);
  assert.is((await streamed.json()).error.code, "payload_too_large");
  await stillServes(open);
});

test("a missing or wrong bearer token gets 401; the right one passes", async () => {
  const attempts: Record<string, string>[] = [{}, { authorization: "Bearer wrong" }, { authorization: `Basic ${TOKEN}` }];
  for (const headers of attempts) {
    const { status, json } = await postJson(`${locked.url}/tools/add`, { arguments: { a: 1, b: 2 } }, headers);
    assert.is(status, 401, JSON.stringify(headers));
    assert.is(json.error.code, "unauthorized");
  }
  const tools = await fetch(`${locked.url}/tools`);
  assert.is(tools.status, 401);
  await tools.body?.cancel();
  const health = await fetch(`${locked.url}/health`);
  assert.is(health.status, 200, "health needs no token");
  await health.body?.cancel();
  await stillServes(locked, { authorization: `Bearer ${TOKEN}` });
});

test("a hanging tool gets 504 at its time-out and the server keeps serving", async () => {
  const started = performance.now();
  const { status, json } = await postJson(`${open.url}/tools/hang`, { arguments: {} });
  assert.is(status, 504);
  assert.is(json.error.code, "timeout");
  assert.ok(performance.now() - started < 2000, "answered near the 150 ms time-out");
  await stillServes(open);
});

test("calls over the per-tool or server limit get 429 with Retry-After", async () => {
  const slow = () => postJson(`${open.url}/tools/sleep`, { arguments: { ms: 400 } });
  const first = [slow(), slow()];
  await new Promise((resolve) => setTimeout(resolve, 100));
  const third = await slow();
  assert.is(third.status, 429, "per-tool limit of 2");
  assert.is(third.json.error.code, "busy");
  assert.is(third.headers.get("retry-after"), "1");
  const other = postJson(`${open.url}/tools/hang`, { arguments: {} });
  await new Promise((resolve) => setTimeout(resolve, 50));
  const fourth = await postJson(`${open.url}/tools/add`, { arguments: { a: 1, b: 1 } });
  assert.is(fourth.status, 429, "server limit of 3");
  assert.ok(fourth.json.error.message.includes("server"), fourth.json.error.message);
  assert.equal((await Promise.all(first)).map((r) => r.json.text), ["slept", "slept"]);
  await other;
  await stillServes(open);
});

test("without a token, a foreign Host (DNS rebinding) gets 421; loopback names and allowedHosts are served", async () => {
  const guarded = await startServer({ allowedHosts: ["tools.lan"] });
  try {
    // fetch never sends a Host of its choosing, so a raw HTTP request plays the rebinding browser
    const call = (host: string, url = guarded.url, headers: Record<string, string> = {}) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const request = httpRequest(`${url}/tools`, { headers: { host, ...headers } }, (response) => {
          let body = "";
          response.on("data", (chunk) => (body += chunk));
          response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
        });
        request.on("error", reject);
        request.end();
      });
    const port = new URL(guarded.url).port;
    const evil = await call(`evil.example:${port}`);
    assert.is(evil.status, 421);
    assert.match(evil.body, /"bad_host"/);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `tools.lan:${port}`]) {
      assert.is((await call(host)).status, 200, host);
    }
    // with a token the token guards, whatever the Host
    const withToken = await call("evil.example", locked.url, { authorization: `Bearer ${TOKEN}` });
    assert.is(withToken.status, 200);
  } finally {
    await guarded.close();
  }
});

test("cross-origin pages get 403 unless their origin is allowed (then CORS headers); text/plain posts get 415", async () => {
  const cors = await startServer({ corsOrigins: ["http://app.example:5173"] });
  try {
    const post = (server: ServerHandle, headers: Record<string, string>, body = '{"arguments": {"a": 1, "b": 2}}') =>
      fetch(`${server.url}/tools/add`, { method: "POST", headers, body }).then(async (r) => ({ r, body: await r.text() }));
    const evil = await post(open, { origin: "http://evil.example", "content-type": "application/json" });
    assert.is(evil.r.status, 403);
    assert.match(evil.body, /"cross_origin"/);
    const plain = await post(open, { "content-type": "text/plain" });
    assert.is(plain.r.status, 415);
    assert.match(plain.body, /"unsupported_media_type"/);
    const same = await post(open, { origin: open.url, "content-type": "application/json" });
    assert.is(same.r.status, 200, "the server's own pages (the demo) are same-origin");
    const allowed = await post(cors, { origin: "http://app.example:5173", "content-type": "application/json" });
    assert.is(allowed.r.status, 200);
    assert.is(allowed.r.headers.get("access-control-allow-origin"), "http://app.example:5173");
    const preflight = await fetch(`${cors.url}/tools/add`, {
      method: "OPTIONS",
      headers: { origin: "http://app.example:5173", "access-control-request-method": "POST" },
    });
    assert.is(preflight.status, 204);
    assert.is(preflight.headers.get("access-control-allow-origin"), "http://app.example:5173");
  } finally {
    await cors.close();
  }
  await stillServes(open);
});

test("createToolServer() refuses a token no client could send", async () => {
  let error: Error | undefined;
  try {
    await startServer({ auth: { token: "has space" } });
  } catch (e) {
    error = e as Error;
  }
  assert.ok(error?.message.includes("bearer token"), error?.message);
});

test.run();
