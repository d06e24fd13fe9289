/**
 * A page that runs a calculator rollout through `transformersPolicy` (an ONNX export loaded by
 * transformers.js from this page's own server, nothing remote) and writes every `generate` call (its
 * contexts and the tokens drawn) and every episode's tokens and mask into `#result` as JSON, for
 * `transformers_browser.node_test.ts`. Settings come from the query string:
 * `?model=calc&ort=/ort/&episodes=2&seed=0&maxNewTokens=24&device=wasm`, where `model` is a folder
 * under `/models/` and `ort` the URL of onnxruntime-web's `dist/` (its `.wasm` files).
 * `document.body.dataset.state` goes `loading` → `done` (or `error`).
 */
import { env } from "@huggingface/transformers";
import { charTokenizer } from "../core/tokenizer/mod.ts";
import { rollout } from "../core/rollout/mod.ts";
import type { GenerateOptions, Policy } from "../core/types.ts";
import { calculatorTask } from "../plugins/calculator/mod.ts";
import { transformersPolicy } from "../inference/mod.ts";

/** One `generate` call as the page saw it. */
export interface RecordedCall {
  contexts: number[][];
  options: GenerateOptions;
  tokens: number[][];
}

const query = new URLSearchParams(location.search);
const setting = (name: string, fallback: string) => query.get(name) ?? fallback;

/** `policy` with every call's contexts, options and drawn tokens appended to `calls`. */
function recorded(policy: Policy, calls: RecordedCall[]): Policy {
  return {
    async generate(contexts, options) {
      const generations = await policy.generate(contexts, options);
      const { signal: _, ...plain } = options;
      calls.push({ contexts: contexts.map((c) => [...c]), options: plain, tokens: generations.map((g) => g.tokens) });
      return generations;
    },
  };
}

async function run(): Promise<void> {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.useBrowserCache = false;
  env.localModelPath = new URL("/models/", location.href).pathname;
  const wasm = env.backends.onnx.wasm!;
  wasm.wasmPaths = new URL(setting("ort", "/ort/"), location.href).href;
  wasm.numThreads = 1;
  const device = setting("device", "wasm") as "wasm" | "webgpu";
  const policy = await transformersPolicy({ modelDir: setting("model", "calc"), device });
  const task = calculatorTask();
  const samples = task.samples({ seed: Number(setting("seed", "0")), n: Number(setting("episodes", "2")) });
  const calls: RecordedCall[] = [];
  const result = await rollout({
    policy: recorded(policy, calls),
    tokenizer: charTokenizer(),
    format: "submit",
    tools: task.tools,
    items: samples.map((sample) => ({ prompt: task.prompt(sample, "submit"), sample, id: sample.id })),
    verifier: task.verifier,
    limits: { maxNewTokensPerTurn: Number(setting("maxNewTokens", "24")) },
    sampling: { temperature: 0 },
  });
  await policy.dispose();
  const episodes = result.episodes.map((e) => ({ id: e.id, status: e.status, tokens: e.tokens(), mask: e.mask() }));
  document.getElementById("result")!.textContent = JSON.stringify({ calls, episodes, errors: result.errors });
  document.getElementById("status")!.textContent = `${episodes.length} episodes, ${calls.length} generate calls on ${device}.`;
  document.body.dataset.state = "done";
}

run().catch((error: Error) => {
  document.getElementById("status")!.textContent = `Failed: ${error.message}`;
  document.body.dataset.state = "error";
  console.error(error);
});
