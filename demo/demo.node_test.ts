// The browser demo end to end: `toolrl serve --demo` serves the page, headless Chromium runs a calculator
// rollout with the engine's model in it, and the page shows the episodes coloured by role. Node only:
// Chromium is driven over a pipe (fd 3/4), which only Node's child_process offers.
// Needs Debian's `chromium` (`apt-get install -y chromium`); under CI=true a missing browser is a failure.
// TOOLRL_DEMO_SCREENSHOT=path.png saves a screenshot of the page.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { charTokenizer } from "../core/tokenizer/mod.ts";
import { rollout } from "../core/rollout/mod.ts";
import { calculatorTask } from "../plugins/calculator/mod.ts";
import { run as serveCommand } from "../cli/commands/serve.ts";
import { memoryIO } from "../cli/io.ts";
import { saveCheckpoint } from "../trainer/engine/io/checkpoint/save_checkpoint.ts";
import { tinyConfig } from "../trainer/engine/model/config.ts";
import { createModel } from "../trainer/engine/model/model.ts";
import { type Browser, findChromium, launchChromium, type Page } from "./chromium_node.ts";

interface ShownEpisode {
  id: string;
  status: string;
  reward: string;
  segments: { role: string; text: string }[];
}

const chromium = findChromium();
const task = calculatorTask();
const tokenizer = charTokenizer();

/** Starts `toolrl serve` with `flags` on a free port; returns its URL and a stop function. */
async function startServe(flags: string[]): Promise<{ url: string; stop(): Promise<void> }> {
  const io = memoryIO();
  const controller = new AbortController();
  const exited = serveCommand(["--port", "0", "--plugins", "calculator", ...flags], io, { signal: controller.signal });
  for (let waited = 0; !/demo at (\S+)\/demo\//.test(io.err); waited += 50) {
    if (waited > 20_000) throw new Error(`toolrl serve --demo did not start: ${io.err}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const url = /demo at (\S+)\/demo\//.exec(io.err)![1];
  return { url, stop: async () => void (controller.abort(), await exited) };
}

/** Waits until the page says it is done (or failed), then reads the episodes it shows. */
async function readEpisodes(page: Page): Promise<{ state: string; status: string; backend: string; weights: string; episodes: ShownEpisode[] }> {
  let state = "";
  for (let waited = 0; state !== "done" && state !== "error"; waited += 100) {
    if (waited > 25_000) throw new Error(`the page never finished (state ${state}); its log: ${page.log.join("\n")}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    state = await page.evaluate<string>("document.body?.dataset.state ?? ''");
  }
  return await page.evaluate(`({
    state: document.body.dataset.state,
    status: document.getElementById("status").textContent,
    backend: document.querySelector('[data-field="backend"]')?.textContent ?? "",
    weights: document.getElementById("model").textContent,
    episodes: [...document.querySelectorAll(".episode")].map((article) => ({
      id: article.dataset.id,
      status: article.dataset.status,
      reward: article.querySelector('[data-field="reward"]').textContent,
      segments: [...article.querySelectorAll(".segment")].map((span) => ({ role: span.dataset.role, text: span.textContent })),
    })),
  })`);
}

if (chromium === null) {
  console.warn("demo test: no chromium (apt-get install -y chromium, or CHROMIUM=path); the page is not run");
  if (["true", "1"].includes(process.env.CI ?? "")) {
    test("headless Chromium is installed", () => {
      assert.unreachable("chromium is missing; CI must install it first: apt-get install -y chromium");
    });
  }
}

test("toolrl serve --demo serves the built page, isolated, beside the tool server's routes", async () => {
  const server = await startServe(["--demo"]);
  try {
    const page = await fetch(`${server.url}/demo/`);
    assert.is(page.status, 200);
    assert.match(await page.text(), /<script type="module" src="demo.js">/);
    assert.is(page.headers.get("cross-origin-embedder-policy"), "require-corp");
    const script = await fetch(`${server.url}/demo/demo.js`);
    assert.is(script.headers.get("content-type"), "text/javascript; charset=utf-8");
    assert.ok((await script.text()).length > 10_000, "the bundle holds the engine");
    assert.is((await fetch(`${server.url}/demo/checkpoint/config.json`)).status, 404, "no checkpoint was given");
    assert.is((await fetch(`${server.url}/demo/%2e%2e/package.json`)).status, 404);
    const tools = await (await fetch(`${server.url}/tools`)).json();
    assert.equal(tools.map((t: { function: { name: string } }) => t.function.name), ["calculator"]);
  } finally {
    await server.stop();
  }
});

if (chromium !== null) {
  let browser: Browser;
  let checkpointDir: string;

  test.before(async () => {
    browser = await launchChromium(chromium);
    checkpointDir = await mkdtemp(join(tmpdir(), "toolrl-demo-"));
  });
  test.after(async () => {
    await browser.close();
    await rm(checkpointDir, { recursive: true, force: true });
  });

  test("the page rolls out calculator problems with the engine's model and shows each episode by role", async () => {
    const server = await startServe(["--demo"]);
    try {
      const page = await browser.open(`${server.url}/demo/?episodes=3&format=submit&seed=0`);
      const shown = await readEpisodes(page);
      assert.is(shown.state, "done", `${shown.status}\n${page.log.join("\n")}`);
      assert.match(shown.weights, /untrained weights/);
      assert.ok(shown.backend.length > 0, "the page names its backend");
      const samples = task.samples({ seed: 0, n: 3, split: "eval" });
      assert.equal(shown.episodes.map((e) => e.id), samples.map((s) => s.id));
      shown.episodes.forEach((episode, k) => {
        assert.equal(episode.segments[0], { role: "prompt", text: task.prompt(samples[k], "submit") });
        assert.ok(episode.segments.slice(1).some((s) => s.role === "model" && s.text.length > 0), "the model wrote");
        assert.ok(episode.segments.every((s) => ["prompt", "model", "tool"].includes(s.role)));
        assert.is.not(episode.status, "running");
      });
      const path = process.env.TOOLRL_DEMO_SCREENSHOT;
      if (path) await writeFile(path, await page.screenshot());
      await page.evaluate(`document.querySelector('[name="format"]').value = "hermes";
        document.querySelector('[name="episodes"]').value = "2";
        document.querySelector("#controls button").click();`);
      const again = await readEpisodes(page);
      assert.is(again.state, "done", again.status);
      assert.is(again.episodes.length, 2, "the Run button rolls out with the form's settings");
      assert.is(again.episodes[0].segments[0].text, task.prompt(samples[0], "hermes"));
    } finally {
      await server.stop();
    }
  });

  test("with --demo-checkpoint the page loads the weights and writes what the engine writes in Node", async () => {
    const model = await createModel(tinyConfig(tokenizer.vocabSize), { tokenizer, seed: 7 });
    await saveCheckpoint(`${checkpointDir}/checkpoint`, { config: model.config, weights: await model.stateDict(), tokenizer });
    const samples = task.samples({ seed: 2, n: 2, split: "eval" });
    const expected = await rollout({
      policy: model,
      tokenizer,
      format: "react",
      tools: task.tools,
      items: samples.map((sample) => ({ prompt: task.prompt(sample, "react"), sample, id: sample.id })),
      limits: task.limits,
      sampling: { temperature: 0, seed: 2 },
      verifier: task.verifier,
    });
    const server = await startServe(["--demo-checkpoint", `${checkpointDir}/checkpoint`]);
    try {
      const page = await browser.open(`${server.url}/demo/?episodes=2&format=react&seed=2&backend=cpu`);
      const shown = await readEpisodes(page);
      assert.is(shown.state, "done", `${shown.status}\n${page.log.join("\n")}`);
      assert.match(shown.weights, /trained weights from checkpoint/);
      assert.is(shown.backend, "cpu");
      assert.equal(
        shown.episodes.map((e) => e.segments),
        expected.episodes.map((e) => e.segments.map((s) => ({ role: s.role, text: s.text }))),
      );
    } finally {
      await server.stop();
    }
  });
}

test.run();
