import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { transformersPolicy } from "./transformers_policy.ts";
import { writeOnnxExport } from "../trainer/onnx/export/export_onnx.ts";
import { fixtureConfig, fixtureModel, fixtureTokenizer as tokenizer, fixtureWeights } from "../trainer/onnx/testing/fixtures.ts";
import { rollout } from "../core/rollout/mod.ts";
import { calculatorTask } from "../plugins/calculator/task.ts";
import type { Generation } from "../core/types.ts";

const config = fixtureConfig("llama");
const model = await fixtureModel(config, 3);
const dir = await mkdtemp(join(tmpdir(), "toolrl-tjs-"));
await writeOnnxExport(join(dir, "model"), { config, weights: await fixtureWeights(model), tokenizer });
const policy = await transformersPolicy({ modelDir: join(dir, "model"), device: "cpu" });

const contexts = ["What is 12 + 7?\n", "Hi", "<request><calculator>3*4"].map((t) => tokenizer.encode(t));

function assertSame(got: Generation[], want: Generation[]) {
  assert.equal(got.map((g) => g.tokens), want.map((g) => g.tokens));
  assert.equal(got.map((g) => g.finishReason), want.map((g) => g.finishReason));
  got.forEach((g, i) =>
    g.logprobs!.forEach((lp, k) => assert.ok(Math.abs(lp - want[i].logprobs![k]) < 1e-4, `logprob ${lp} vs ${want[i].logprobs![k]}`))
  );
}

test("transformersPolicy() greedy generation of a left-padded batch equals the engine's, token for token", async () => {
  const options = { maxNewTokens: [12, 20, 16], temperature: 0 };
  const got = await policy.generate(contexts, options);
  assertSame(got, await model.generate(contexts, options));
  got.forEach((g, i) => assert.ok(g.finishReason === "eos" || g.tokens.length === options.maxNewTokens[i]));
  assert.is(policy.vocabSize, tokenizer.vocabSize);
});

test("transformersPolicy() ends a row after the first stop string it writes, as the engine does", async () => {
  const [free] = await model.generate([contexts[0]], { maxNewTokens: 24, temperature: 0 });
  const stop = [tokenizer.decode([free.tokens[8]]), tokenizer.decode([free.tokens[5]])];
  const options = { maxNewTokens: 24, temperature: 0, stop };
  const got = await policy.generate([contexts[0], contexts[1]], options);
  assertSame(got, await model.generate([contexts[0], contexts[1]], options));
  assert.is(got[0].finishReason, "stop");
  assert.ok(got[0].tokens.length <= 6);
});

test("transformersPolicy() seeded sampling draws what the engine draws", async () => {
  const options = { maxNewTokens: 16, temperature: 0.9, topK: 40, topP: 0.95, seed: 11 };
  const got = await policy.generate(contexts, options);
  assertSame(got, await model.generate(contexts, options));
  const again = await policy.generate(contexts, { ...options, seed: 12 });
  assert.not.equal(again.map((g) => g.tokens), got.map((g) => g.tokens));
});

test("transformersPolicy() runs a calculator rollout to the end with the engine's greedy tokens", async () => {
  const task = calculatorTask();
  const samples = task.samples({ seed: 5, n: 3 });
  const run = (p: typeof policy | typeof model) =>
    rollout({
      policy: p,
      tokenizer,
      format: "submit",
      tools: task.tools,
      items: samples.map((sample) => ({ prompt: task.prompt(sample, "submit"), sample })),
      verifier: task.verifier,
      limits: { maxNewTokensPerTurn: 24 },
      sampling: { temperature: 0 },
    });
  const [got, want] = [await run(policy), await run(model)];
  assert.is(got.episodes.length, 3);
  assert.ok(got.episodes.every((e) => e.status !== "running" && e.status !== "error"), got.episodes.map((e) => e.status).join());
  assert.equal(got.episodes.map((e) => e.tokens()), want.episodes.map((e) => e.tokens()));
  assert.equal(got.episodes.map((e) => e.mask()), want.episodes.map((e) => e.mask()));
  assert.ok(got.episodes.every((e) => e.reward !== null));
});

test("transformersPolicy() refuses a folder without a model and says how to make one", async () => {
  const error = await transformersPolicy({ modelDir: join(dir, "missing") }).catch((e: Error) => e);
  assert.match((error as Error).message, /cannot load an ONNX text-generation model .*onnx\/model\.onnx.*toolrl export-onnx/);
});

test.after(async () => {
  await policy.dispose();
  model.dispose();
  await rm(dir, { recursive: true, force: true });
});

test.run();
