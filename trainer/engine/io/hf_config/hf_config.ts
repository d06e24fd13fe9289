/**
 * Hugging Face `config.json` ⇄ `ModelConfig` for the four families the engine runs:
 * GPT-2 (`GPT2LMHeadModel`), Llama (`LlamaForCausalLM`), Qwen2 (`Qwen2ForCausalLM`, qkv bias) and Qwen3
 * (`Qwen3ForCausalLM`, per-head q/k RMSNorm, `head_dim` free of hidden_size / num_attention_heads).
 * Settings the engine does not implement (RoPE scaling other than Llama 3's, MLP or output biases, other activations)
 * are refused with an error instead of being silently ignored.
 */
import type { ModelConfig, RopeScaling } from "../../types.ts";

/** A parsed `config.json`. */
export type HfConfig = Record<string, unknown>;

/** Token ids that `config.json` records for generation tools. */
export interface SpecialTokenIds {
  eosId?: number;
  bosId?: number | null;
  padId?: number;
}

const GPT2_ACTIVATIONS = ["gelu_new", "gelu_pytorch_tanh", "gelu_fast"];
const DEFAULT_ROPE_THETA = 10000;

function fail(what: string, value: unknown): never {
  throw new Error(`config.json: ${what} (got ${JSON.stringify(value)}).`);
}

function integer(json: HfConfig, key: string, fallback?: number): number {
  const value = json[key] ?? fallback;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0) {
    fail(`"${key}" must be a positive integer`, value);
  }
  return value;
}

function positive(json: HfConfig, key: string, fallback: number): number {
  const value = json[key] ?? fallback;
  if (typeof value !== "number" || !(value > 0)) fail(`"${key}" must be a positive number`, value);
  return value;
}

function familyOf(json: HfConfig): ModelConfig["family"] {
  const type = json.model_type;
  if (type === "gpt2" || type === "llama" || type === "qwen2" || type === "qwen3") return type;
  const arch = Array.isArray(json.architectures) ? json.architectures[0] : undefined;
  if (arch === "GPT2LMHeadModel") return "gpt2";
  if (arch === "LlamaForCausalLM") return "llama";
  if (arch === "Qwen2ForCausalLM") return "qwen2";
  if (arch === "Qwen3ForCausalLM") return "qwen3";
  return fail(
    `model_type must be "gpt2", "llama", "qwen2" or "qwen3" (architectures GPT2LMHeadModel, LlamaForCausalLM, Qwen2ForCausalLM, Qwen3ForCausalLM)`,
    type ?? arch,
  );
}

function gpt2FromHf(json: HfConfig): ModelConfig {
  const activation = json.activation_function ?? "gelu_new";
  if (!GPT2_ACTIVATIONS.includes(activation as string)) {
    fail(`GPT-2 activation_function must be one of ${GPT2_ACTIVATIONS.join(", ")} (tanh GELU)`, activation);
  }
  if (json.scale_attn_by_inverse_layer_idx === true) fail("scale_attn_by_inverse_layer_idx is not supported", true);
  if (json.reorder_and_upcast_attn === true) fail("reorder_and_upcast_attn is not supported", true);
  const nEmbd = integer(json, "n_embd");
  const nHead = integer(json, "n_head");
  return {
    family: "gpt2",
    vocabSize: integer(json, "vocab_size"),
    maxSeqLen: integer(json, "n_positions", json.n_ctx as number),
    nLayer: integer(json, "n_layer"),
    nHead,
    nKvHead: nHead,
    nEmbd,
    nInner: json.n_inner == null ? 4 * nEmbd : integer(json, "n_inner"),
    normEps: positive(json, "layer_norm_epsilon", 1e-5),
    ropeTheta: DEFAULT_ROPE_THETA,
    qkvBias: true,
    tieEmbeddings: json.tie_word_embeddings !== false,
  };
}

function llamaFromHf(json: HfConfig, family: "llama" | "qwen2" | "qwen3"): ModelConfig {
  if ((json.hidden_act ?? "silu") !== "silu") fail(`${family} hidden_act must be "silu"`, json.hidden_act);
  if (json.mlp_bias === true) fail("mlp_bias is not supported", true);
  if (family !== "qwen2" && json.attention_bias === true) {
    fail(`${family} attention_bias (which also biases o_proj) is not supported; Qwen2's q/k/v-only bias is`, true);
  }
  if (json.use_sliding_window === true) fail(`${family} use_sliding_window is not supported`, true);
  const ropeParameters = (json.rope_parameters ?? {}) as Record<string, unknown>;
  const ropeScaling = ropeScalingOf(family, json.rope_scaling ?? (ropeParameters.rope_type === undefined ? null : ropeParameters));
  const nEmbd = integer(json, "hidden_size");
  const nHead = integer(json, "num_attention_heads");
  const nKvHead = integer(json, "num_key_value_heads", nHead);
  if (nHead % nKvHead !== 0) fail(`num_attention_heads ${nHead} must be a multiple of num_key_value_heads`, nKvHead);
  // transformers reads getattr(config, "head_dim", hidden_size // num_attention_heads) in all three families
  const headDim = json.head_dim == null ? undefined : integer(json, "head_dim");
  if (headDim === undefined && nEmbd % nHead !== 0) fail(`hidden_size ${nEmbd} must be a multiple of num_attention_heads`, nHead);
  return {
    family,
    vocabSize: integer(json, "vocab_size"),
    maxSeqLen: integer(json, "max_position_embeddings"),
    nLayer: integer(json, "num_hidden_layers"),
    nHead,
    nKvHead,
    nEmbd,
    ...(headDim !== undefined && headDim !== nEmbd / nHead ? { headDim } : {}),
    nInner: integer(json, "intermediate_size"),
    normEps: positive(json, "rms_norm_eps", 1e-6),
    ropeTheta: positive({ rope_theta: json.rope_theta ?? ropeParameters.rope_theta }, "rope_theta", DEFAULT_ROPE_THETA),
    ...(ropeScaling ? { ropeScaling } : {}),
    qkvBias: family === "qwen2",
    tieEmbeddings: json.tie_word_embeddings === true,
  };
}

/** Reads `rope_scaling` (or `rope_parameters`): none, `default`, or `llama3`; any other type is refused by name. */
function ropeScalingOf(family: string, value: unknown): RopeScaling | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== "object" || Array.isArray(value)) fail(`${family} rope_scaling must be an object or null`, value);
  const scaling = value as HfConfig;
  const type = scaling.rope_type ?? scaling.type;
  if (type === "default") return null;
  if (type !== "llama3") fail(`${family} rope_scaling type must be "default" or "llama3" (others are not supported)`, type);
  return {
    type: "llama3",
    factor: positive(scaling, "factor", NaN),
    lowFreqFactor: positive(scaling, "low_freq_factor", NaN),
    highFreqFactor: positive(scaling, "high_freq_factor", NaN),
    originalMaxPositionEmbeddings: integer(scaling, "original_max_position_embeddings"),
  };
}

function ropeScalingToHf(scaling: RopeScaling | null | undefined): HfConfig | null {
  if (!scaling) return null;
  return {
    rope_type: scaling.type,
    factor: scaling.factor,
    low_freq_factor: scaling.lowFreqFactor,
    high_freq_factor: scaling.highFreqFactor,
    original_max_position_embeddings: scaling.originalMaxPositionEmbeddings,
  };
}

/**
 * Reads a Hugging Face `config.json` object into a `ModelConfig`.
 *
 * @example
 * ```ts
 * hfConfigToModelConfig({ model_type: "gpt2", vocab_size: 50257, n_positions: 1024, n_embd: 768, n_layer: 12, n_head: 12 });
 * ```
 */
export function hfConfigToModelConfig(json: HfConfig): ModelConfig {
  if (json === null || typeof json !== "object" || Array.isArray(json)) fail("must be a JSON object", json);
  const family = familyOf(json);
  return family === "gpt2" ? gpt2FromHf(json) : llamaFromHf(json, family);
}

function tokenIds(ids: SpecialTokenIds): HfConfig {
  const out: HfConfig = {};
  if (ids.bosId !== undefined) out.bos_token_id = ids.bosId;
  if (ids.eosId !== undefined) out.eos_token_id = ids.eosId;
  if (ids.padId !== undefined) out.pad_token_id = ids.padId;
  return out;
}

/**
 * Writes a `ModelConfig` as the `config.json` Hugging Face transformers expects for its family
 * (GPT-2 always has biases, so `qkvBias` is not recorded for it and reads back as true).
 *
 * @example
 * ```ts
 * modelConfigToHfConfig(config, { eosId: 256 }).architectures; // ["GPT2LMHeadModel"]
 * ```
 */
export function modelConfigToHfConfig(config: ModelConfig, ids: SpecialTokenIds = {}): HfConfig {
  const { family, nEmbd, nHead, nKvHead } = config;
  if (config.headDim === undefined && nEmbd % nHead !== 0) fail(`nEmbd ${nEmbd} must be a multiple of nHead`, nHead);
  if (family === "gpt2") {
    if (nKvHead !== nHead) fail(`GPT-2 has no grouped-query attention: nKvHead must equal nHead ${nHead}`, nKvHead);
    return {
      architectures: ["GPT2LMHeadModel"],
      model_type: "gpt2",
      vocab_size: config.vocabSize,
      n_positions: config.maxSeqLen,
      n_ctx: config.maxSeqLen,
      n_embd: nEmbd,
      n_layer: config.nLayer,
      n_head: nHead,
      n_inner: config.nInner === 4 * nEmbd ? null : config.nInner,
      activation_function: "gelu_new",
      layer_norm_epsilon: config.normEps,
      resid_pdrop: 0,
      embd_pdrop: 0,
      attn_pdrop: 0,
      initializer_range: 0.02,
      scale_attn_weights: true,
      tie_word_embeddings: config.tieEmbeddings,
      use_cache: true,
      torch_dtype: "float32",
      ...tokenIds(ids),
    };
  }
  if (family !== "qwen2" && config.qkvBias) fail(`HF ${family} cannot hold q/k/v-only biases; use family "qwen2"`, config.qkvBias);
  if (family === "qwen2" && !config.qkvBias) fail('HF Qwen2 always has q/k/v biases; use family "llama" for none', config.qkvBias);
  if (nHead % nKvHead !== 0) fail(`nHead ${nHead} must be a multiple of nKvHead`, nKvHead);
  return {
    architectures: [{ llama: "LlamaForCausalLM", qwen2: "Qwen2ForCausalLM", qwen3: "Qwen3ForCausalLM" }[family]],
    model_type: family,
    vocab_size: config.vocabSize,
    hidden_size: nEmbd,
    intermediate_size: config.nInner,
    num_hidden_layers: config.nLayer,
    num_attention_heads: nHead,
    num_key_value_heads: nKvHead,
    head_dim: config.headDim ?? nEmbd / nHead,
    hidden_act: "silu",
    max_position_embeddings: config.maxSeqLen,
    rms_norm_eps: config.normEps,
    rope_theta: config.ropeTheta,
    rope_scaling: ropeScalingToHf(config.ropeScaling),
    ...(family === "llama" ? { attention_bias: false, mlp_bias: false } : { use_sliding_window: false }),
    ...(family === "qwen3" ? { attention_bias: false } : {}),
    attention_dropout: 0,
    initializer_range: 0.02,
    tie_word_embeddings: config.tieEmbeddings,
    use_cache: true,
    torch_dtype: "float32",
    ...tokenIds(ids),
  };
}
