import { test } from "uvu";
import * as assert from "uvu/assert";
import { asciiTokenizer, randomInts } from "../conformance/fixtures.ts";
import { createPrng } from "../../../core/random/sfc32.ts";
import type { ModelConfig, OptimizerConfig } from "../types.ts";
import { createModel, type EngineModel } from "./model.ts";

const tokenizer = asciiTokenizer();
const config: ModelConfig = {
  family: "llama", vocabSize: 97, maxSeqLen: 32, nLayer: 2, nHead: 4, nKvHead: 2, nEmbd: 16, nInner: 24,
  normEps: 1e-5, ropeTheta: 10000, qkvBias: false, tieEmbeddings: true,
};
const adam: OptimizerConfig = { lr: 1e-2, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0, maxGradNorm: 1 };
const batch = (seed: number, B: number, T: number) => ({ tokens: randomInts(createPrng(seed), B * T, 97), B, T });
const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5) =>
  a.length === b.length && Array.from(a).every((v, i) => Math.abs(v - b[i]) <= tol);
async function rejects(fn: () => Promise<unknown>, pattern: RegExp) {
  try {
    await fn();
  } catch (error) {
    assert.match((error as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected a rejection matching ${pattern}`);
}
const sameWeights = async (a: EngineModel, b: EngineModel, tol = 0) => {
  const sa = await a.stateDict(), sb = await b.stateDict();
  return [...sa].every(([k, t]) => close(t.data, sb.get(k)!.data, tol));
};

test("forward returns (B, T-1) logprobs, entropies and values, zero past each row's length", async () => {
  const model = await createModel(config, { tokenizer, seed: 1 });
  const out = await model.forward({ ...batch(1, 2, 8), lengths: [8, 5] });
  for (const k of ["logprobs", "entropy", "values"] as const) assert.is(out[k].length, 2 * 7);
  assert.ok(out.logprobs.slice(0, 7 + 4).every((v) => v < 0));
  assert.ok(out.entropy.slice(0, 7 + 4).every((v) => v > 0 && v <= Math.log(97) + 1e-5));
  assert.equal(Array.from(out.logprobs.slice(7 + 4)), [0, 0, 0]);
  assert.equal(Array.from(out.values.slice(7 + 4)), [0, 0, 0]);
});

test("padding neither changes a row's outputs nor depends on the pad ids", async () => {
  const model = await createModel(config, { tokenizer, seed: 1 });
  const alone = batch(2, 1, 5);
  const ref = await model.forward(alone);
  for (const pad of [0, 96]) {
    const tokens = new Int32Array(8).fill(pad);
    tokens.set(alone.tokens);
    const out = await model.forward({ tokens, B: 1, T: 8, lengths: [5] });
    assert.ok(close(out.logprobs.slice(0, 4), ref.logprobs));
    assert.ok(close(out.values.slice(0, 4), ref.values));
  }
});

test("logits agree with forward's gathered logprobs", async () => {
  const model = await createModel(config, { tokenizer, seed: 1 });
  const input = batch(3, 2, 6);
  const logits = await model.logits(input);
  const out = await model.forward(input);
  assert.is(logits.length, 2 * 6 * 97);
  for (let b = 0; b < 2; b++) {
    for (let t = 0; t < 5; t++) {
      const row = logits.subarray((b * 6 + t) * 97, (b * 6 + t + 1) * 97);
      const max = Math.max(...row);
      const lse = max + Math.log(row.reduce((a, v) => a + Math.exp(v - max), 0));
      assert.ok(Math.abs(row[input.tokens[b * 6 + t + 1]] - lse - out.logprobs[b * 5 + t]) < 1e-5);
    }
  }
});

test("gradients accumulate: two half batches then a step equal one full batch then a step", async () => {
  const a = await createModel(config, { tokenizer, seed: 4 });
  const b = await a.clone();
  const full = batch(5, 2, 7);
  const grads = (n: number) => ({ logprobs: new Float32Array(n * 6).fill(-0.1), values: new Float32Array(n * 6).fill(0.05) });
  for (let row = 0; row < 2; row++) {
    await a.forward({ tokens: full.tokens.slice(row * 7, row * 7 + 7), B: 1, T: 7 }, { grad: true });
    await a.backward(grads(1));
  }
  await b.forward(full, { grad: true });
  await b.backward(grads(2));
  const na = await a.step(adam), nb = await b.step(adam);
  assert.ok(Math.abs(na.gradNorm - nb.gradNorm) < 1e-5 * nb.gradNorm);
  assert.ok(await sameWeights(a, b, 1e-6));
  a.zeroGrad();
  await a.forward(full, { grad: true });
  await a.backward({ logprobs: new Float32Array(12) });
  assert.is((await a.step(adam)).gradNorm, 0);
});

test("clone shares nothing mutable with the original", async () => {
  const model = await createModel(config, { tokenizer, seed: 6 });
  const frozen = await model.clone();
  const input = batch(7, 2, 6);
  const before = await frozen.forward(input);
  await model.forward(input, { grad: true });
  await model.backward({ logprobs: new Float32Array(10).fill(-1) });
  await model.step(adam);
  assert.ok(close((await frozen.forward(input)).logprobs, before.logprobs, 0));
  assert.not.ok(close((await model.forward(input)).logprobs, before.logprobs, 1e-4));
});

test("a clone taken after a step carries the optimizer state and trains identically", async () => {
  const model = await createModel(config, { tokenizer, seed: 6 });
  const train = async (m: EngineModel) => {
    await m.forward(batch(7, 2, 6), { grad: true });
    m.zeroGrad();
    await m.backward({ logprobs: new Float32Array(10).fill(-1) });
    await m.step(adam);
  };
  await train(model);
  const copy = await model.clone();
  await train(model);
  await train(copy);
  assert.ok(await sameWeights(model, copy));
});

test("step returns the pre-clip norm, clips, and decays matrices only", async () => {
  const model = await createModel(config, { tokenizer, seed: 8 });
  const twin = await model.clone();
  for (const m of [model, twin]) {
    await m.forward(batch(9, 2, 6), { grad: true });
    await m.backward({ logprobs: new Float32Array(10).fill(-1) });
  }
  const clipped = await model.step({ ...adam, maxGradNorm: 1e-3 });
  const free = await twin.step({ ...adam, maxGradNorm: 0 });
  assert.ok(clipped.gradNorm > 1e-3);
  assert.ok(Math.abs(clipped.gradNorm - free.gradNorm) < 1e-6 * free.gradNorm);
  // zero gradients: Adam's update is 0, only decoupled weight decay moves the weights
  const decayed = await createModel(config, { tokenizer, seed: 8 });
  const before = await decayed.stateDict();
  await decayed.forward(batch(9, 1, 4), { grad: true });
  await decayed.backward({ logprobs: new Float32Array(3) });
  await decayed.step({ ...adam, weightDecay: 0.5, stepLr: 0.1 });
  const after = await decayed.stateDict();
  const q = "model.layers.0.self_attn.q_proj.weight", norm = "model.layers.0.input_layernorm.weight";
  assert.ok(close(after.get(q)!.data, before.get(q)!.data.map((v) => v * (1 - 0.1 * 0.5)), 1e-7));
  assert.ok(close(after.get(norm)!.data, before.get(norm)!.data, 0));
});

test("saved weights and optimizer state resume training exactly", async () => {
  const model = await createModel(config, { tokenizer, seed: 10 });
  const train = async (m: EngineModel, seed: number) => {
    await m.forward(batch(seed, 2, 6), { grad: true });
    m.zeroGrad();
    await m.backward({ logprobs: new Float32Array(10).fill(-0.5) });
    await m.step(adam);
  };
  await train(model, 11);
  const resumed = await createModel(config, { tokenizer, seed: 99 });
  await resumed.loadStateDict(await model.stateDict());
  await resumed.loadOptimizerState(await model.optimizerState());
  assert.ok(await sameWeights(model, resumed));
  await train(model, 12);
  await train(resumed, 12);
  assert.ok(await sameWeights(model, resumed));
  const state = await model.optimizerState();
  assert.equal(Array.from(state.get("step")!.data), [2]);
  assert.ok(state.has("model.embed_tokens.weight.exp_avg_sq"));
});

test("stateDict uses HF names and shapes (GPT-2 Conv1D layout, value head)", async () => {
  const gpt2 = await createModel({ ...config, family: "gpt2", nKvHead: 4 }, { tokenizer });
  const state = await gpt2.stateDict();
  const shape = (k: string) => state.get(k)?.shape;
  assert.equal(shape("transformer.wte.weight"), [97, 16]);
  assert.equal(shape("transformer.wpe.weight"), [32, 16]);
  assert.equal(shape("transformer.h.1.attn.c_attn.weight"), [16, 48]);
  assert.equal(shape("transformer.h.1.attn.c_attn.bias"), [48]);
  assert.equal(shape("transformer.h.0.mlp.c_fc.weight"), [16, 24]);
  assert.equal(shape("transformer.h.0.mlp.c_proj.weight"), [24, 16]);
  assert.equal(shape("v_head.summary.weight"), [1, 16]);
  assert.equal(shape("v_head.summary.bias"), [1]);
  assert.not.ok(state.has("lm_head.weight"));
  const llama = await (await createModel({ ...config, tieEmbeddings: false }, { tokenizer })).stateDict();
  assert.equal(llama.get("model.layers.1.self_attn.k_proj.weight")!.shape, [8, 16]);
  assert.equal(llama.get("model.layers.1.mlp.down_proj.weight")!.shape, [16, 24]);
  assert.equal(llama.get("lm_head.weight")!.shape, [97, 16]);
});

test("misuse fails with errors that say what to do", async () => {
  const model = await createModel(config, { tokenizer });
  await rejects(() => model.backward({ logprobs: new Float32Array(1) }), /call forward\(input, \{ grad: true \}\) first/);
  await rejects(() => model.step(adam), /no gradients yet/);
  await rejects(() => model.forward({ tokens: new Int32Array(40), B: 1, T: 40 }), /exceeds the model's maxSeqLen 32/);
  await rejects(() => model.forward({ tokens: Int32Array.of(1, 200), B: 1, T: 2 }), /token 200 at row 0, position 1/);
  const state = await model.stateDict();
  state.delete("model.norm.weight");
  state.set("model.extra", { shape: [1], data: new Float32Array(1) });
  await rejects(() => model.loadStateDict(state), /missing \[model\.norm\.weight\], unexpected \[model\.extra\]/);
  await rejects(() => createModel({ ...config, nHead: 3 }, { tokenizer }), /not divisible by nHead 3/);
});

test("a Llama 3 rope_scaling changes the rotation: same logits at position 0, other logits after it", async () => {
  const ropeScaling = { type: "llama3" as const, factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 8 };
  const plain = await createModel(config, { tokenizer, seed: 1 });
  const scaled = await createModel({ ...config, ropeScaling }, { tokenizer, seed: 1 });
  const input = batch(3, 1, 6);
  const a = await plain.logits(input), b = await scaled.logits(input);
  const V = config.vocabSize;
  assert.ok(close(a.slice(0, V), b.slice(0, V), 1e-6), "position 0 has angle 0 either way");
  assert.ok(!close(a.slice(V), b.slice(V), 1e-4), "later positions turn at the scaled frequencies");
  await rejects(() => createModel({ ...config, ropeScaling: { ...ropeScaling, highFreqFactor: 1 } }, { tokenizer }), /highFreqFactor, got 1 and 1/);
});

test("createModel({ skipInit }) leaves every parameter zero, and loading the weights gives the seeded model exactly", async () => {
  const seeded = await createModel(config, { tokenizer, seed: 3 });
  const empty = await createModel(config, { tokenizer, seed: 3, skipInit: true });
  const zeros = await empty.stateDict();
  assert.ok([...zeros.values()].every((t) => t.data.every((x) => x === 0)));
  await empty.loadStateDict(await seeded.stateDict());
  assert.ok(await sameWeights(empty, seeded));
  const input = batch(5, 2, 6);
  assert.equal(Array.from((await empty.forward(input)).logprobs), Array.from((await seeded.forward(input)).logprobs));
});

test.run();
