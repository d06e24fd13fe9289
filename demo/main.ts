/**
 * The demo page's script: rolls out calculator problems with the engine's model in the browser and shows
 * each episode coloured by role. Settings come from the form, which the query string fills in (for links
 * and tests: `?format=react&episodes=4&backend=wasm&seed=3&temperature=0`). `document.body.dataset.state` goes `loading` →
 * `running` → `done` (or `error`), so a headless browser knows when to read the page.
 */
import { calculatorTask } from "../plugins/calculator/mod.ts";
import { rollout } from "../core/rollout/mod.ts";
import { formatNames, hasFormat } from "../core/formats/registry.ts";
import type { FormatName } from "../core/types.ts";
import { type DemoBackend, type DemoPolicy, demoPolicy } from "./policy.ts";
import { escapeHtml, renderEpisode } from "./render.ts";

const BACKENDS: readonly DemoBackend[] = ["auto", "webgpu", "wasm", "cpu"];

interface Settings {
  format: FormatName;
  episodes: number;
  backend: DemoBackend;
  seed: number;
  /** Sampling temperature; null picks 0 (greedy) for trained weights and 1 for untrained ones. */
  temperature: number | null;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** The model of the last run, kept while the settings that shape it stay the same. */
let loaded: { key: string; policy: DemoPolicy } | null = null;

/** Lists every registered format in the form's format picker (the page's own list is the built-ins' fallback). */
function listFormats(): void {
  const select = $<HTMLFormElement>("controls").elements.namedItem("format") as HTMLSelectElement;
  select.replaceChildren(...formatNames().map((name) => new Option(name, name)));
}

/** Copies settings given in the query string into the form, which is then the one source of settings. */
function applyQuery(): void {
  const form = $<HTMLFormElement>("controls");
  for (const [name, value] of new URLSearchParams(location.search)) {
    const field = form.elements.namedItem(name);
    if (field instanceof HTMLInputElement || field instanceof HTMLSelectElement) field.value = value;
  }
}

function readSettings(): Settings {
  const form = new FormData($<HTMLFormElement>("controls"));
  const pick = (name: string) => String(form.get(name) ?? "");
  const format = pick("format") as FormatName;
  const backend = pick("backend") as DemoBackend;
  return {
    format: hasFormat(format) ? format : "submit",
    episodes: Math.min(16, Math.max(1, Number(pick("episodes")) || 4)),
    backend: BACKENDS.includes(backend) ? backend : "auto",
    seed: Number(pick("seed")) || 0,
    temperature: pick("temperature").trim() === "" ? null : Math.max(0, Number(pick("temperature")) || 0),
  };
}

function setState(state: "loading" | "running" | "done" | "error", text: string): void {
  document.body.dataset.state = state;
  $("status").textContent = text;
}

async function run(settings: Settings): Promise<void> {
  setState("loading", "Loading the model…");
  const key = `${settings.backend} ${settings.seed}`;
  if (loaded?.key !== key) {
    loaded?.policy.dispose();
    loaded = null;
    const checkpointUrl = new URL("checkpoint/", location.href);
    loaded = { key, policy: await demoPolicy({ backend: settings.backend, checkpointUrl, seed: settings.seed }) };
  }
  const policy = loaded.policy;
  const weights = policy.weights === "checkpoint"
    ? "trained weights from checkpoint/"
    : "untrained weights (serve a checkpoint with toolrl serve --demo --demo-checkpoint DIR)";
  $("model").innerHTML = `Model: ${policy.model.config.family}, ${policy.model.parameterCount.toLocaleString("en")} parameters, ` +
    `${escapeHtml(weights)}; backend <b data-field="backend">${escapeHtml(policy.backend)}</b>` +
    policy.notes.map((note) => `<br><small>${escapeHtml(note)}</small>`).join("");
  const task = calculatorTask();
  const samples = task.samples({ seed: settings.seed, n: settings.episodes, split: "eval" });
  setState("running", `Rolling out ${samples.length} episodes in the ${settings.format} format…`);
  const started = performance.now();
  const result = await rollout({
    policy: policy.model,
    tokenizer: policy.tokenizer,
    format: settings.format,
    tools: task.tools,
    items: samples.map((sample) => ({ prompt: task.prompt(sample, settings.format), sample, id: sample.id })),
    limits: task.limits,
    sampling: { temperature: settings.temperature ?? (policy.weights === "checkpoint" ? 0 : 1), seed: settings.seed },
    verifier: task.verifier,
  });
  const seconds = (performance.now() - started) / 1000;
  $("episodes").innerHTML = result.episodes.map(renderEpisode).join("");
  const solved = result.episodes.filter((e) => e.reward === 1).length;
  setState("done", `${result.episodes.length} episodes in ${seconds.toFixed(1)} s, ${solved} solved.`);
}

function start(): void {
  const settings = readSettings();
  run(settings).catch((error: Error) => {
    setState("error", `Failed: ${error.message}`);
    console.error(error);
  });
}

$<HTMLFormElement>("controls").addEventListener("submit", (event) => {
  event.preventDefault();
  start();
});
listFormats();
applyQuery();
start();
