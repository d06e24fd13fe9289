/**
 * The exact Hugging Face tensor names and shapes of each family, the contract between the model's
 * `stateDict()` and checkpoints on disk.
 *
 * GPT-2 stores its projections as `Conv1D`, i.e. transposed: `c_attn.weight` is (C, 3C), input dim first.
 * Llama/Qwen2/Qwen3 store `nn.Linear` weights as (out, in): `q_proj.weight` is (NH*hs, C); Qwen3 adds
 * `q_norm.weight` and `k_norm.weight` (hs).
 */
import { headSize } from "../../model/config.ts";
import type { ModelConfig } from "../../types.ts";

/** A tensor name with its shape. */
export interface TensorSpec {
  name: string;
  shape: number[];
}

/** Names of the scalar value head (TRL's `AutoModelForCausalLMWithValueHead`). */
export const VALUE_HEAD_WEIGHT = "v_head.summary.weight";
export const VALUE_HEAD_BIAS = "v_head.summary.bias";

function gpt2Tensors(config: ModelConfig): TensorSpec[] {
  const { vocabSize: V, maxSeqLen: maxT, nEmbd: C, nInner } = config;
  const specs: TensorSpec[] = [
    { name: "transformer.wte.weight", shape: [V, C] },
    { name: "transformer.wpe.weight", shape: [maxT, C] },
  ];
  for (let i = 0; i < config.nLayer; i++) {
    const h = `transformer.h.${i}`;
    specs.push(
      { name: `${h}.ln_1.weight`, shape: [C] },
      { name: `${h}.ln_1.bias`, shape: [C] },
      { name: `${h}.attn.c_attn.weight`, shape: [C, 3 * C] },
      { name: `${h}.attn.c_attn.bias`, shape: [3 * C] },
      { name: `${h}.attn.c_proj.weight`, shape: [C, C] },
      { name: `${h}.attn.c_proj.bias`, shape: [C] },
      { name: `${h}.ln_2.weight`, shape: [C] },
      { name: `${h}.ln_2.bias`, shape: [C] },
      { name: `${h}.mlp.c_fc.weight`, shape: [C, nInner] },
      { name: `${h}.mlp.c_fc.bias`, shape: [nInner] },
      { name: `${h}.mlp.c_proj.weight`, shape: [nInner, C] },
      { name: `${h}.mlp.c_proj.bias`, shape: [C] },
    );
  }
  specs.push({ name: "transformer.ln_f.weight", shape: [C] }, { name: "transformer.ln_f.bias", shape: [C] });
  if (!config.tieEmbeddings) specs.push({ name: "lm_head.weight", shape: [V, C] });
  return specs;
}

function llamaTensors(config: ModelConfig): TensorSpec[] {
  const { vocabSize: V, nEmbd: C, nInner, nHead, nKvHead } = config;
  const hs = headSize(config);
  const specs: TensorSpec[] = [{ name: "model.embed_tokens.weight", shape: [V, C] }];
  for (let i = 0; i < config.nLayer; i++) {
    const l = `model.layers.${i}`;
    specs.push(
      { name: `${l}.input_layernorm.weight`, shape: [C] },
      { name: `${l}.self_attn.q_proj.weight`, shape: [nHead * hs, C] },
      { name: `${l}.self_attn.k_proj.weight`, shape: [nKvHead * hs, C] },
      { name: `${l}.self_attn.v_proj.weight`, shape: [nKvHead * hs, C] },
    );
    if (config.qkvBias) {
      specs.push(
        { name: `${l}.self_attn.q_proj.bias`, shape: [nHead * hs] },
        { name: `${l}.self_attn.k_proj.bias`, shape: [nKvHead * hs] },
        { name: `${l}.self_attn.v_proj.bias`, shape: [nKvHead * hs] },
      );
    }
    if (config.family === "qwen3") {
      specs.push({ name: `${l}.self_attn.q_norm.weight`, shape: [hs] }, { name: `${l}.self_attn.k_norm.weight`, shape: [hs] });
    }
    specs.push(
      { name: `${l}.self_attn.o_proj.weight`, shape: [C, nHead * hs] },
      { name: `${l}.post_attention_layernorm.weight`, shape: [C] },
      { name: `${l}.mlp.gate_proj.weight`, shape: [nInner, C] },
      { name: `${l}.mlp.up_proj.weight`, shape: [nInner, C] },
      { name: `${l}.mlp.down_proj.weight`, shape: [C, nInner] },
    );
  }
  specs.push({ name: "model.norm.weight", shape: [C] });
  if (!config.tieEmbeddings) specs.push({ name: "lm_head.weight", shape: [V, C] });
  return specs;
}

/**
 * Every weight tensor of a model with `config`, in Hugging Face order, names and shapes;
 * with `{ valueHead: true }` the value head (`v_head.summary.weight` (1, C), `.bias` (1)) is appended.
 *
 * @example
 * ```ts
 * expectedTensors(config)[0]; // { name: "transformer.wte.weight", shape: [V, C] }
 * ```
 */
export function expectedTensors(config: ModelConfig, options: { valueHead?: boolean } = {}): TensorSpec[] {
  const specs = config.family === "gpt2" ? gpt2Tensors(config) : llamaTensors(config);
  if (options.valueHead) {
    specs.push({ name: VALUE_HEAD_WEIGHT, shape: [1, config.nEmbd] }, { name: VALUE_HEAD_BIAS, shape: [1] });
  }
  return specs;
}
