// transformers.js in a browser: a seeded engine model is exported to ONNX, served with a bundled page
// (demo/transformers_main.ts) and onnxruntime-web's wasm files from 127.0.0.1, and headless Chromium
// runs a greedy calculator rollout through `transformersPolicy` on the `wasm` device. The tokens the
// page drew must be the engine's greedy tokens in Node for the same contexts. Node only: Chromium is
// driven over a pipe (see `chromium_node.ts`). Needs Debian's `chromium`; under CI=true a missing
// browser is a failure.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createServer, type Server } from "node:http";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, normalize } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { rollout } from "../core/rollout/mod.ts";
import type { GenerateOptions } from "../core/types.ts";
import { calculatorTask } from "../plugins/calculator/mod.ts";
import { writeOnnxExport } from "../trainer/onnx/export/export_onnx.ts";
import { fixtureConfig, fixtureModel, fixtureTokenizer as tokenizer, fixtureWeights } from "../trainer/onnx/testing/fixtures.ts";
import { type Browser, findChromium, launchChromium, type Page } from "./chromium_node.ts";

interface PageResult {
  calls: { contexts: number[][]; options: GenerateOptions; tokens: number[][] }[];
  episodes: { id: string; status: string; tokens: number[]; mask: number[] }[];
  errors: { episodeId: string; message: string }[];
}

const here = dirname(fileURLToPath(import.meta.url));
/** onnxruntime-web's dist/ as @huggingface/transformers resolves it. */
const ortDist = dirname(createRequire(createRequire(import.meta.url).resolve("@huggingface/transformers")).resolve("onnxruntime-web"));
const TYPES: Record<string, string> = { html: "text/html", js: "text/javascript", mjs: "text/javascript", wasm: "application/wasm", json: "application/json" };

/** The page script, bundled for browsers with transformers.js and onnxruntime-web inside. */
async function bundlePage(): Promise<Uint8Array> {
  const result = await build({
    entryPoints: [join(here, "transformers_main.ts")],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "error",
  });
  return result.outputFiles[0].contents;
}

/** Serves `/` (the page), `/transformers.js`, `/models/calc/...` (the export) and `/ort/...` on 127.0.0.1; logs every request. */
async function serve(modelDir: string, script: Uint8Array, requests: string[]): Promise<{ server: Server; url: string }> {
  const html = await readFile(join(here, "transformers.html"));
  const fileUnder = (root: string, rest: string) => {
    const path = normalize(join(root, rest));
    return path.startsWith(root) ? readFile(path).catch(() => null) : Promise.resolve(null);
  };
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url!, "http://localhost").pathname);
    const body = path === "/" ? html
      : path === "/transformers.js" ? script
      : path.startsWith("/models/calc/") ? await fileUnder(modelDir, path.slice("/models/calc/".length))
      : path.startsWith("/ort/") ? await fileUnder(ortDist, path.slice("/ort/".length))
      : null;
    requests.push(`${body === null ? 404 : 200} ${path}`);
    const type = path === "/" ? TYPES.html : TYPES[path.slice(path.lastIndexOf(".") + 1)] ?? "application/octet-stream";
    response.writeHead(body === null ? 404 : 200, { "content-type": type, "cache-control": "no-store" });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${port}` };
}

async function waitForResult(page: Page): Promise<PageResult> {
  let state = "";
  for (let waited = 0; state !== "done" && state !== "error"; waited += 100) {
    if (waited > 30_000) throw new Error(`the page never finished (state ${state}); its log:\n${page.log.join("\n")}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    state = await page.evaluate<string>("document.body?.dataset.state ?? ''");
  }
  const status = await page.evaluate<string>(`document.getElementById("status").textContent`);
  assert.is(state, "done", `${status}\n${page.log.join("\n")}`);
  return JSON.parse(await page.evaluate<string>(`document.getElementById("result").textContent`));
}

const chromium = findChromium();
if (chromium === null) {
  console.warn("transformers.js browser test: no chromium (apt-get install -y chromium, or CHROMIUM=path); the page is not run");
  if (["true", "1"].includes(process.env.CI ?? "")) {
    test("headless Chromium is installed", () => {
      assert.unreachable("chromium is missing; CI must install it first: apt-get install -y chromium");
    });
  }
} else {
  let browser: Browser;
  let dir: string;

  test.before(async () => {
    dir = await mkdtemp(join(tmpdir(), "toolrl-tjs-browser-"));
    browser = await launchChromium(chromium);
  });
  test.after(async () => {
    await browser.close();
    await rm(dir, { recursive: true, force: true });
  });

  test("transformersPolicy() in Chromium on wasm draws the engine's greedy tokens for every context of a calculator rollout", async () => {
    const config = fixtureConfig("llama");
    const model = await fixtureModel(config, 4);
    await writeOnnxExport(join(dir, "calc"), { config, weights: await fixtureWeights(model), tokenizer });
    const requests: string[] = [];
    const { server, url } = await serve(join(dir, "calc"), await bundlePage(), requests);
    try {
      const page = await browser.open(`${url}/?model=calc&ort=/ort/&episodes=2&seed=3&maxNewTokens=24&device=wasm`);
      const shown = await waitForResult(page);
      // the page's calls, replayed on the engine
      assert.ok(shown.calls.length >= 1, "the rollout called the policy");
      for (const call of shown.calls) {
        const want = await model.generate(call.contexts, call.options);
        assert.equal(call.tokens, want.map((g) => g.tokens));
      }
      assert.ok(shown.calls.some((call) => call.tokens.some((t) => new Set(t).size > 1)), "greedy outputs vary");
      // the whole rollout, run in Node with the engine
      const task = calculatorTask();
      const samples = task.samples({ seed: 3, n: 2 });
      const expected = await rollout({
        policy: model,
        tokenizer,
        format: "submit",
        tools: task.tools,
        items: samples.map((sample) => ({ prompt: task.prompt(sample, "submit"), sample, id: sample.id })),
        verifier: task.verifier,
        limits: { maxNewTokensPerTurn: 24 },
        sampling: { temperature: 0 },
      });
      assert.equal(shown.errors, []);
      assert.equal(shown.episodes.map((e) => e.id), samples.map((s) => s.id));
      assert.equal(shown.episodes.map((e) => e.tokens), expected.episodes.map((e) => e.tokens()));
      assert.equal(shown.episodes.map((e) => e.mask), expected.episodes.map((e) => e.mask()));
      assert.ok(shown.episodes.every((e) => e.status !== "running" && e.status !== "error"));
      // everything came from this server: the export and onnxruntime-web's wasm
      assert.ok(requests.every((r) => r.startsWith("200 ")), requests.join("\n"));
      assert.ok(requests.includes("200 /models/calc/onnx/model.onnx"), requests.join("\n"));
      assert.ok(requests.some((r) => /^200 \/ort\/.*\.wasm$/.test(r)), requests.join("\n"));
    } finally {
      server.close();
      server.closeAllConnections();
      model.dispose();
    }
  });
}

test.run();
