import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ModelConfig } from "../../types.ts";
import { hfConfigToModelConfig, modelConfigToHfConfig } from "./hf_config.ts";
import { tinyConfigs } from "../weights/testing/fixtures.ts";

// Abridged copies of config.json files published on the Hugging Face Hub.
const gpt2Hub = {
  activation_function: "gelu_new", architectures: ["GPT2LMHeadModel"], attn_pdrop: 0.1, bos_token_id: 50256,
  embd_pdrop: 0.1, eos_token_id: 50256, initializer_range: 0.02, layer_norm_epsilon: 1e-05, model_type: "gpt2",
  n_ctx: 1024, n_embd: 768, n_head: 12, n_layer: 12, n_positions: 1024, resid_pdrop: 0.1, vocab_size: 50257,
};
const tinyLlamaHub = {
  architectures: ["LlamaForCausalLM"], bos_token_id: 1, eos_token_id: 2, hidden_act: "silu", hidden_size: 2048,
  initializer_range: 0.02, intermediate_size: 5632, max_position_embeddings: 2048, model_type: "llama",
  num_attention_heads: 32, num_hidden_layers: 22, num_key_value_heads: 4, pretraining_tp: 1, rms_norm_eps: 1e-05,
  rope_scaling: null, tie_word_embeddings: false, torch_dtype: "bfloat16", use_cache: true, vocab_size: 32000,
};
const qwenHub = {
  architectures: ["Qwen2ForCausalLM"], attention_dropout: 0.0, bos_token_id: 151643, eos_token_id: 151643,
  hidden_act: "silu", hidden_size: 896, initializer_range: 0.02, intermediate_size: 4864,
  max_position_embeddings: 32768, max_window_layers: 24, model_type: "qwen2", num_attention_heads: 14,
  num_hidden_layers: 24, num_key_value_heads: 2, rms_norm_eps: 1e-06, rope_theta: 1000000.0, sliding_window: 32768,
  tie_word_embeddings: true, torch_dtype: "bfloat16", use_cache: true, use_sliding_window: false, vocab_size: 151936,
};

const qwen3Hub = {
  architectures: ["Qwen3ForCausalLM"], attention_bias: false, attention_dropout: 0.0, bos_token_id: 151643,
  eos_token_id: 151645, head_dim: 128, hidden_act: "silu", hidden_size: 1024, initializer_range: 0.02,
  intermediate_size: 3072, max_position_embeddings: 40960, max_window_layers: 28, model_type: "qwen3",
  num_attention_heads: 16, num_hidden_layers: 28, num_key_value_heads: 8, rms_norm_eps: 1e-06, rope_scaling: null,
  rope_theta: 1000000, sliding_window: null, tie_word_embeddings: true, torch_dtype: "bfloat16", use_cache: true,
  use_sliding_window: false, vocab_size: 151936,
};

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  return assert.unreachable("expected an error") as never;
}

test("hfConfigToModelConfig() reads GPT-2's config.json (n_inner null means 4C, tied head)", () => {
  assert.equal(hfConfigToModelConfig(gpt2Hub), {
    family: "gpt2", vocabSize: 50257, maxSeqLen: 1024, nLayer: 12, nHead: 12, nKvHead: 12, nEmbd: 768, nInner: 3072,
    normEps: 1e-5, ropeTheta: 10000, qkvBias: true, tieEmbeddings: true,
  });
});

test("hfConfigToModelConfig() reads TinyLlama (GQA, untied) and Qwen2.5 (qkv bias, tied)", () => {
  assert.equal(hfConfigToModelConfig(tinyLlamaHub), {
    family: "llama", vocabSize: 32000, maxSeqLen: 2048, nLayer: 22, nHead: 32, nKvHead: 4, nEmbd: 2048, nInner: 5632,
    normEps: 1e-5, ropeTheta: 10000, qkvBias: false, tieEmbeddings: false,
  });
  assert.equal(hfConfigToModelConfig(qwenHub), {
    family: "qwen2", vocabSize: 151936, maxSeqLen: 32768, nLayer: 24, nHead: 14, nKvHead: 2, nEmbd: 896, nInner: 4864,
    normEps: 1e-6, ropeTheta: 1000000, qkvBias: true, tieEmbeddings: true,
  });
});

test("hfConfigToModelConfig() reads Qwen3-0.6B (head_dim 128 while hidden_size / heads is 64, tied) and writes it back", () => {
  const config = hfConfigToModelConfig(qwen3Hub);
  assert.equal(config, {
    family: "qwen3", vocabSize: 151936, maxSeqLen: 40960, nLayer: 28, nHead: 16, nKvHead: 8, nEmbd: 1024, headDim: 128,
    nInner: 3072, normEps: 1e-6, ropeTheta: 1000000, qkvBias: false, tieEmbeddings: true,
  });
  const back = modelConfigToHfConfig(config);
  assert.equal([back.architectures, back.model_type, back.head_dim, back.attention_bias], [["Qwen3ForCausalLM"], "qwen3", 128, false]);
  assert.equal(hfConfigToModelConfig(back), config);
  assert.is(hfConfigToModelConfig({ ...qwen3Hub, head_dim: 64 }).headDim, undefined);
});

test("hfConfigToModelConfig() takes rope_theta from transformers v5 rope_parameters too", () => {
  const { rope_theta: _, ...rest } = qwenHub;
  const v5 = { ...rest, rope_parameters: { rope_type: "default", rope_theta: 250000 } };
  assert.is(hfConfigToModelConfig(v5).ropeTheta, 250000);
});

const llama31Scaling = { factor: 8.0, low_freq_factor: 1.0, high_freq_factor: 4.0, original_max_position_embeddings: 8192, rope_type: "llama3" };

test("hfConfigToModelConfig() reads Llama 3.1's rope_scaling (rope_type or type), and writes it back", () => {
  const expected = { type: "llama3", factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 8192 };
  const config = hfConfigToModelConfig({ ...tinyLlamaHub, rope_scaling: llama31Scaling });
  assert.equal(config.ropeScaling, expected);
  const { rope_type: _, ...old } = llama31Scaling;
  assert.equal(hfConfigToModelConfig({ ...tinyLlamaHub, rope_scaling: { ...old, type: "llama3" } }).ropeScaling, expected);
  assert.equal(hfConfigToModelConfig({ ...tinyLlamaHub, rope_parameters: { ...llama31Scaling, rope_theta: 500000 } }).ropeScaling, expected);
  assert.equal(modelConfigToHfConfig(config).rope_scaling, llama31Scaling);
  assert.equal(hfConfigToModelConfig(modelConfigToHfConfig(config)), config);
  assert.is(hfConfigToModelConfig({ ...tinyLlamaHub, rope_scaling: { rope_type: "default" } }).ropeScaling, undefined);
});

test("modelConfigToHfConfig() then hfConfigToModelConfig() gives the config back for every family", () => {
  const variants: ModelConfig[] = [
    ...Object.values(tinyConfigs),
    { ...tinyConfigs.gpt2, nInner: 12, tieEmbeddings: false },
    { ...tinyConfigs.llama, tieEmbeddings: true, nKvHead: 4 },
  ];
  for (const config of variants) {
    assert.equal(hfConfigToModelConfig(modelConfigToHfConfig(config)), config, config.family);
  }
});

test("modelConfigToHfConfig() writes the fields and architectures transformers reads", () => {
  const g = modelConfigToHfConfig(tinyConfigs.gpt2, { eosId: 10, bosId: null, padId: 9 });
  assert.equal(g.architectures, ["GPT2LMHeadModel"]);
  assert.equal([g.n_embd, g.n_layer, g.n_head, g.n_positions, g.n_inner, g.vocab_size], [4, 2, 2, 6, null, 11]);
  assert.equal([g.eos_token_id, g.bos_token_id, g.pad_token_id], [10, null, 9]);
  assert.is(modelConfigToHfConfig({ ...tinyConfigs.gpt2, nInner: 12 }).n_inner, 12);
  const l = modelConfigToHfConfig(tinyConfigs.llama);
  assert.equal(l.architectures, ["LlamaForCausalLM"]);
  assert.equal(
    [l.hidden_size, l.intermediate_size, l.num_hidden_layers, l.num_attention_heads, l.num_key_value_heads, l.head_dim],
    [8, 12, 2, 4, 2, 2],
  );
  assert.equal([l.rms_norm_eps, l.rope_theta, l.max_position_embeddings, l.tie_word_embeddings], [1e-6, 500000, 8, false]);
  assert.equal(modelConfigToHfConfig(tinyConfigs.qwen2).architectures, ["Qwen2ForCausalLM"]);
});

test("hfConfigToModelConfig() refuses what the engine does not implement, naming the value", () => {
  assert.ok(errorOf(() => hfConfigToModelConfig({ ...tinyLlamaHub, rope_scaling: { rope_type: "yarn", factor: 4 } })).includes(`"yarn"`));
  assert.ok(errorOf(() => hfConfigToModelConfig({ ...tinyLlamaHub, rope_scaling: { rope_type: "llama3" } })).includes(`"factor"`));
  assert.ok(errorOf(() => hfConfigToModelConfig({ ...tinyLlamaHub, attention_bias: true })).includes("attention_bias"));
  assert.ok(errorOf(() => hfConfigToModelConfig({ ...tinyLlamaHub, hidden_act: "gelu" })).includes(`"gelu"`));
  assert.ok(errorOf(() => hfConfigToModelConfig({ ...tinyLlamaHub, head_dim: 0 })).includes(`"head_dim"`));
  assert.ok(errorOf(() => hfConfigToModelConfig({ ...tinyLlamaHub, model_type: "qwen3", attention_bias: true })).includes("qwen3 attention_bias"));
  assert.ok(errorOf(() => hfConfigToModelConfig({ ...tinyLlamaHub, model_type: "qwen3", use_sliding_window: true })).includes("use_sliding_window"));
  assert.ok(errorOf(() => hfConfigToModelConfig({ ...gpt2Hub, activation_function: "relu" })).includes(`"relu"`));
  assert.ok(errorOf(() => hfConfigToModelConfig({ ...gpt2Hub, n_embd: "768" })).includes(`"n_embd"`));
  assert.ok(errorOf(() => hfConfigToModelConfig({ model_type: "bert" })).includes(`"bert"`));
  assert.ok(errorOf(() => hfConfigToModelConfig({ architectures: ["MistralForCausalLM"] })).includes("Mistral"));
});

test("modelConfigToHfConfig() refuses configs HF cannot express", () => {
  assert.ok(errorOf(() => modelConfigToHfConfig({ ...tinyConfigs.gpt2, nKvHead: 1 })).includes("nKvHead"));
  assert.ok(errorOf(() => modelConfigToHfConfig({ ...tinyConfigs.llama, qkvBias: true })).includes("qwen2"));
  assert.ok(errorOf(() => modelConfigToHfConfig({ ...tinyConfigs.qwen2, qkvBias: false })).includes("llama"));
});

test.run();
