import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ModelConfig } from "../../types.ts";
import { expectedTensors } from "./expected_tensors.ts";
import { normalizeHfWeights, validateWeights } from "./validate_weights.ts";
import { randomWeights, tinyConfigs } from "./testing/fixtures.ts";

const paramCount = (config: ModelConfig) =>
  expectedTensors(config).reduce((n, s) => n + s.shape.reduce((a, d) => a * d, 1), 0);

function errorOf(fn: () => void): string {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  return assert.unreachable("expected an error") as never;
}

test("expectedTensors() gives the published parameter counts of GPT-2 124M, TinyLlama 1.1B and Qwen2.5 0.5B", () => {
  const gpt2: ModelConfig = {
    family: "gpt2", vocabSize: 50257, maxSeqLen: 1024, nLayer: 12, nHead: 12, nKvHead: 12, nEmbd: 768,
    nInner: 3072, normEps: 1e-5, ropeTheta: 10000, qkvBias: true, tieEmbeddings: true,
  };
  const tinyLlama: ModelConfig = {
    family: "llama", vocabSize: 32000, maxSeqLen: 2048, nLayer: 22, nHead: 32, nKvHead: 4, nEmbd: 2048,
    nInner: 5632, normEps: 1e-5, ropeTheta: 10000, qkvBias: false, tieEmbeddings: false,
  };
  const qwen: ModelConfig = {
    family: "qwen2", vocabSize: 151936, maxSeqLen: 32768, nLayer: 24, nHead: 14, nKvHead: 2, nEmbd: 896,
    nInner: 4864, normEps: 1e-6, ropeTheta: 1000000, qkvBias: true, tieEmbeddings: true,
  };
  assert.is(paramCount(gpt2), 124_439_808);
  assert.is(paramCount(tinyLlama), 1_100_048_384);
  assert.is(paramCount(qwen), 494_032_768);
});

test("expectedTensors() uses GPT-2's Conv1D layout and Llama's (out, in) layout", () => {
  const g = new Map(expectedTensors(tinyConfigs.gpt2).map((s) => [s.name, s.shape]));
  assert.equal(g.get("transformer.h.1.attn.c_attn.weight"), [4, 12]);
  assert.equal(g.get("transformer.h.1.mlp.c_fc.weight"), [4, 16]);
  assert.equal(g.get("transformer.h.1.mlp.c_proj.weight"), [16, 4]);
  assert.equal(g.get("transformer.wpe.weight"), [6, 4]);
  assert.not.ok(g.has("lm_head.weight"));
  const l = new Map(expectedTensors(tinyConfigs.llama).map((s) => [s.name, s.shape]));
  assert.equal(l.get("model.layers.0.self_attn.q_proj.weight"), [8, 8]);
  assert.equal(l.get("model.layers.0.self_attn.k_proj.weight"), [4, 8]);
  assert.equal(l.get("model.layers.0.self_attn.o_proj.weight"), [8, 8]);
  assert.equal(l.get("model.layers.1.mlp.down_proj.weight"), [8, 12]);
  assert.equal(l.get("lm_head.weight"), [13, 8]);
  assert.not.ok(l.has("model.layers.0.self_attn.q_proj.bias"));
  const q = new Map(expectedTensors(tinyConfigs.qwen2, { valueHead: true }).map((s) => [s.name, s.shape]));
  assert.equal(q.get("model.layers.0.self_attn.k_proj.bias"), [2]);
  assert.equal(q.get("v_head.summary.weight"), [1, 4]);
  assert.equal(q.get("v_head.summary.bias"), [1]);
  assert.not.ok(q.has("lm_head.weight"));
});

test("validateWeights() accepts complete maps of every family", () => {
  for (const config of Object.values(tinyConfigs)) {
    validateWeights(config, randomWeights(config));
    validateWeights(config, randomWeights(config, { valueHead: true }), { valueHead: true });
  }
});

test("validateWeights() lists missing, unexpected and mis-shaped tensors in one error", () => {
  const config = tinyConfigs.llama;
  const weights = randomWeights(config);
  weights.delete("model.norm.weight");
  weights.delete("model.layers.1.mlp.up_proj.weight");
  weights.set("model.layers.0.self_attn.q_proj.bias", { shape: [8], data: new Float32Array(8) });
  weights.set("model.layers.0.self_attn.k_proj.weight", { shape: [8, 8], data: new Float32Array(64) });
  weights.set("model.layers.0.input_layernorm.weight", { shape: [8], data: new Float32Array(7) });
  const message = errorOf(() => validateWeights(config, weights));
  assert.ok(message.includes("missing 2: model.layers.1.mlp.up_proj.weight, model.norm.weight"), message);
  assert.ok(message.includes("unexpected 1: model.layers.0.self_attn.q_proj.bias"), message);
  assert.ok(message.includes("model.layers.0.self_attn.k_proj.weight is [8,8], expected [4,8]"), message);
  assert.ok(message.includes("model.layers.0.input_layernorm.weight has 7 values, expected 8"), message);
});

test("validateWeights() shortens long lists and treats a value head as unexpected unless asked for", () => {
  const message = errorOf(() => validateWeights(tinyConfigs.gpt2, new Map()));
  assert.ok(message.includes(`missing ${expectedTensors(tinyConfigs.gpt2).length}:`), message);
  assert.ok(message.includes(`and ${expectedTensors(tinyConfigs.gpt2).length - 10} more`), message);
  const withHead = randomWeights(tinyConfigs.gpt2, { valueHead: true });
  assert.ok(errorOf(() => validateWeights(tinyConfigs.gpt2, withHead)).includes("unexpected 2: v_head.summary.weight"));
});

test("normalizeHfWeights() accepts GPT-2 checkpoints without the transformer. prefix and with mask buffers", () => {
  const config = tinyConfigs.gpt2;
  const canonical = randomWeights(config);
  const onDisk = new Map();
  for (const [name, t] of canonical) onDisk.set(name.replace(/^transformer\./, ""), t);
  onDisk.set("h.0.attn.bias", { shape: [1, 1, 6, 6], data: new Float32Array(36) });
  onDisk.set("h.1.attn.masked_bias", { shape: [], data: new Float32Array(1) });
  onDisk.set("lm_head.weight", canonical.get("transformer.wte.weight"));
  const normal = normalizeHfWeights(config, onDisk);
  validateWeights(config, normal);
  assert.equal([...normal.keys()].sort(), [...canonical.keys()].sort());
  assert.is(normal.get("transformer.h.0.attn.c_attn.bias"), canonical.get("transformer.h.0.attn.c_attn.bias"));
});

test("normalizeHfWeights() drops Llama RoPE buffers and a tied head's copy, but keeps an untied head", () => {
  const weights = randomWeights(tinyConfigs.qwen2);
  weights.set("model.layers.0.self_attn.rotary_emb.inv_freq", { shape: [1], data: new Float32Array(1) });
  weights.set("lm_head.weight", weights.get("model.embed_tokens.weight")!);
  validateWeights(tinyConfigs.qwen2, normalizeHfWeights(tinyConfigs.qwen2, weights));
  const untied = randomWeights(tinyConfigs.llama);
  assert.ok(normalizeHfWeights(tinyConfigs.llama, untied).has("lm_head.weight"));
});

test("normalizeHfWeights() refuses a GPT-2 tensor present under both spellings", () => {
  const weights = randomWeights(tinyConfigs.gpt2);
  weights.set("ln_f.bias", weights.get("transformer.ln_f.bias")!);
  assert.ok(errorOf(() => normalizeHfWeights(tinyConfigs.gpt2, weights)).includes(`"ln_f.bias"`));
});

test.run();
