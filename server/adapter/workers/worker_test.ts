/**
 * The tool server as a Cloudflare Workers module: `worker.ts` bundled with esbuild, run in workerd
 * (Cloudflare's runtime) through miniflare, and called over a real socket.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { build, stop } from "esbuild";
import { Miniflare } from "miniflare";

const TOKEN = "worker-secret";
let worker: Miniflare;
let url: URL;

test.before(async () => {
  const bundle = await build({
    entryPoints: [new URL("./worker.ts", import.meta.url).pathname],
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["workerd", "worker", "browser"],
    target: "es2022",
    write: false,
    logLevel: "error",
  });
  await stop();
  worker = new Miniflare({
    modules: true,
    script: bundle.outputFiles[0].text,
    compatibilityDate: "2025-01-01",
    bindings: { TOOLRL_TOKEN: TOKEN },
  });
  url = await worker.ready;
});
test.after(async () => {
  await worker.dispose();
});

const auth = { authorization: `Bearer ${TOKEN}` };

test("the worker answers /health without a token and /tools only with it", async () => {
  const health = await fetch(new URL("/health", url));
  assert.equal(await health.json(), { ok: true, status: "healthy" });
  const refused = await fetch(new URL("/tools", url));
  assert.is(refused.status, 401);
  assert.is((await refused.json()).error.code, "unauthorized");
  const tools = await (await fetch(new URL("/tools", url), { headers: auth })).json();
  assert.equal(tools.map((t: { function: { name: string } }) => t.function.name), ["calculator"]);
  assert.equal(tools[0].function.parameters.required, ["expression"]);
});

test("the worker runs a calculator call", async () => {
  const response = await fetch(new URL("/tools/calculator", url), {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify({ arguments: { expression: "2 * (3 + 4) - 0.5" } }),
  });
  assert.is(response.status, 200);
  const body = await response.json();
  assert.is(body.text, "13.5");
  assert.is(body.error, null);
});

test("the worker answers MCP tools/call", async () => {
  const response = await fetch(new URL("/mcp", url), {
    method: "POST",
    headers: { ...auth, "content-type": "application/json", accept: "application/json, text/event-stream" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: "calculator", arguments: { expression: "6*7" } } }),
  });
  const body = await response.json();
  assert.equal(body.result.content, [{ type: "text", text: "42" }]);
});

test.run();
