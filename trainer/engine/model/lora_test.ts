import { test } from "uvu";
import * as assert from "uvu/assert";
import { asciiTokenizer, randomInts } from "../conformance/fixtures.ts";
import { createPrng } from "../../../core/random/sfc32.ts";
import type { ModelConfig } from "../types.ts";
import { createCpuBackend } from "../cpu/cpu_backend.ts";
import { createWasmKernels } from "../wasm/wasm_kernels.ts";
import { loraRun } from "./testing/lora_fixture.ts";
import type { LoraConfig } from "./lora.ts";
import { createModel, type EngineModel } from "./model.ts";

const tokenizer = asciiTokenizer();

/** The message of the error `fn` rejects with. */
async function rejection(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (error) {
    return (error as Error).message;
  }
  return assert.unreachable("expected a rejection") as never;
}
const config: ModelConfig = {
  family: "qwen3", vocabSize: 97, maxSeqLen: 16, nLayer: 2, nHead: 4, nKvHead: 2, nEmbd: 16, headDim: 8, nInner: 24,
  normEps: 1e-6, ropeTheta: 10000, qkvBias: false, tieEmbeddings: true,
};
const lora: LoraConfig = { rank: 4, alpha: 8, targetModules: ["q_proj", "v_proj", "down_proj"] };
const adam = { lr: 2e-2, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0, maxGradNorm: 1 };
const B = 2, T = 12;
const batch = { tokens: randomInts(createPrng(3), B * T, 97), B, T, lengths: [12, 9] };

async function sftSteps(model: EngineModel, steps: number): Promise<number[]> {
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const out = await model.forward(batch, { grad: true });
    losses.push(-out.logprobs.reduce((a, v) => a + v, 0) / 19);
    model.zeroGrad();
    await model.backward({ logprobs: out.logprobs.map((v) => (v === 0 ? 0 : -1 / 19)), values: new Float32Array(B * (T - 1)).fill(1e-3) });
    await model.step(adam);
  }
  return losses;
}

test("a fresh LoRA model (B = 0) computes exactly the base model, whose weights are those of the same seed", async () => {
  const plain = await createModel(config, { tokenizer, seed: 4 });
  const adapted = await createModel(config, { tokenizer, seed: 4, lora });
  assert.equal((await adapted.forward(batch)).logprobs, (await plain.forward(batch)).logprobs);
  assert.equal((await adapted.forward(batch, { adapters: false })).logprobs, (await plain.forward(batch)).logprobs);
});

test("training a LoRA model changes only the adapters and the value head; baseModel() stays the original", async () => {
  const model = await createModel(config, { tokenizer, seed: 4, lora });
  const before = await model.stateDict();
  const reference = (await model.forward(batch)).logprobs;
  const losses = await sftSteps(model, 10);
  // the frozen random head (std 0.02) lets the adapters move the loss only a little, but steadily
  assert.ok(losses[9] < losses[0] - 0.003, `loss ${losses[0]} -> ${losses[9]}`);
  assert.ok(losses.slice(1).every((l, i) => l < losses[i]), `losses ${losses}`);
  const after = await model.stateDict();
  for (const [name, t] of before) {
    const same = t.data.every((v, i) => v === after.get(name)!.data[i]);
    assert.is(same, !name.startsWith("v_head."), `${name} ${same ? "unchanged" : "changed"}`);
  }
  const adapters = await model.adapterState();
  assert.is(adapters.size, 2 * 3 * 2);
  assert.equal(adapters.get("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight")!.shape, [4, 16]);
  assert.equal(adapters.get("base_model.model.model.layers.1.mlp.down_proj.lora_B.weight")!.shape, [16, 4]);
  assert.ok([...adapters.values()].every((t) => t.data.some((v) => v !== 0)), "every adapter moved, B included");
  assert.equal((await model.baseModel().forward(batch)).logprobs, reference);
  assert.not.equal((await model.forward(batch)).logprobs, reference);
  assert.match(await rejection(() => model.baseModel().backward({ logprobs: new Float32Array(B * (T - 1)) })), /frozen/);
});

test("adapters and optimizer state round-trip by PEFT name; wrong names are refused by name", async () => {
  const model = await createModel(config, { tokenizer, seed: 4, lora });
  await sftSteps(model, 3);
  const copy = await createModel(config, { tokenizer, seed: 4, lora });
  await copy.loadAdapterState(await model.adapterState());
  await copy.loadStateDict(await model.stateDict());
  assert.equal((await copy.forward(batch)).logprobs, (await model.forward(batch)).logprobs);
  const state = await model.optimizerState();
  assert.ok(state.has("base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight.exp_avg"));
  assert.ok(!state.has("model.embed_tokens.weight.exp_avg"), "frozen weights carry no moments");
  await copy.loadOptimizerState(state);
  await sftSteps(model, 1);
  await sftSteps(copy, 1);
  assert.equal((await copy.forward(batch)).logprobs, (await model.forward(batch)).logprobs);
  const wrong = new Map(await model.adapterState());
  wrong.delete("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight");
  assert.match(await rejection(() => copy.loadAdapterState(wrong)), /missing \[base_model\.model\.model\.layers\.0\.self_attn\.q_proj\.lora_A\.weight\]/);
});

test("createModel() refuses a LoRA config naming an unknown module or a gpt2 model", async () => {
  assert.match(await rejection(() => createModel(config, { tokenizer, lora: { ...lora, targetModules: ["qkv"] } })), /"qkv" is not one of/);
  const gpt2: ModelConfig = { ...config, family: "gpt2", nKvHead: 4, headDim: undefined };
  delete gpt2.headDim;
  assert.match(await rejection(() => createModel(gpt2, { tokenizer, lora })), /gpt2/);
});

test("4 LoRA SFT steps with the wasm kernels match the cpu reference: losses and every adapter", async () => {
  const kernels = await createWasmKernels({ threads: 1 });
  try {
    const cpu = await loraRun(undefined, 4);
    const wasm = await loraRun(createCpuBackend({ alloc: kernels.alloc, free: kernels.free, kernels, name: "cpu+wasm" }), 4);
    wasm.losses.forEach((l, i) => assert.ok(Math.abs(l - cpu.losses[i]) < 5e-5 * cpu.losses[i], `step ${i}: ${l} vs ${cpu.losses[i]}`));
    for (const [name, t] of cpu.adapters) {
      const w = wasm.adapters.get(name)!.data;
      assert.ok(t.data.every((v, i) => Math.abs(v - w[i]) < 1e-4), name);
    }
  } finally {
    kernels.dispose();
  }
});

test.run();
