/**
 * The ONNX graph of the engine's decoder, for GPT-2 and Llama/Qwen2, computed as the engine computes
 * it (see `trainer/engine/model/forward.ts`), with the inputs and outputs transformers.js expects of a
 * decoder with a KV cache (opset 17):
 *
 * | name | type | shape |
 * |---|---|---|
 * | `input_ids` | int64 | (batch_size, sequence_length) |
 * | `attention_mask` | int64 | (batch_size, past_sequence_length + sequence_length) |
 * | `position_ids` | int64 | (batch_size, sequence_length) |
 * | `past_key_values.{l}.key` / `.value` | float32 | (batch_size, NKV, past_sequence_length, hs) |
 * | `logits` (output) | float32 | (batch_size, sequence_length, V) |
 * | `present.{l}.key` / `.value` (output) | float32 | (batch_size, NKV, past_sequence_length + sequence_length, hs) |
 *
 * The first call passes empty pasts (past_sequence_length 0). Keys a query may see: cache and new
 * positions up to its own (causal) whose `attention_mask` is 1; so left padding works when
 * `position_ids` count only real tokens (transformers.js computes them that way).
 *
 * Shapes in comments: B batch, S new positions, P past positions, T = P + S, C channels,
 * NH/NKV heads, hs head size, H MLP hidden, V vocabulary.
 */
import { ropeTable } from "../../engine/cpu/ops/rope.ts";
import type { TensorMap } from "../../engine/io/safetensors/safetensors.ts";
import type { ModelConfig } from "../../engine/types.ts";
import type { OnnxGraph } from "../proto/onnx_proto.ts";
import { type GraphBuilder, graphBuilder } from "./builder.ts";

/** Added to the scores of keys a query must not see (finite, so a fully masked padding row stays finite). */
const MASKED = -1e9;

/** Names of the cache inputs and outputs of layer `l`. */
export function cacheNames(l: number): { pastKey: string; pastValue: string; presentKey: string; presentValue: string } {
  return {
    pastKey: `past_key_values.${l}.key`,
    pastValue: `past_key_values.${l}.value`,
    presentKey: `present.${l}.key`,
    presentValue: `present.${l}.value`,
  };
}

/**
 * The decoder graph of a model with HF-named `weights` (as `loadCheckpoint` returns them).
 *
 * @example
 * ```ts
 * const { config, weights } = await loadCheckpoint("runs/calc/checkpoint");
 * const bytes = encodeOnnxModel({ graph: decoderGraph(config, weights), opset: 17, producerName: "toolrl" });
 * ```
 */
export function decoderGraph(config: ModelConfig, weights: TensorMap): OnnxGraph {
  if (config.family === "qwen3" || (config.headDim !== undefined && config.headDim !== config.nEmbd / config.nHead)) {
    throw new Error(
      `ONNX export: family "${config.family}" with head size ${config.headDim ?? config.nEmbd / config.nHead} is not exported yet (no q/k norms or free head_dim in the graph); export gpt2, llama or qwen2 models.`,
    );
  }
  const g = graphBuilder();
  const w = weightReader(config, weights, g);
  const { nEmbd: C, nHead: NH, nKvHead: NKV, vocabSize: V } = config;
  const hs = C / NH;
  const gpt2 = config.family === "gpt2";

  const inputIds = g.input({ name: "input_ids", type: "int64", shape: ["batch_size", "sequence_length"] });
  const attentionMask = g.input({ name: "attention_mask", type: "int64", shape: ["batch_size", "total_sequence_length"] });
  const positionIds = g.input({ name: "position_ids", type: "int64", shape: ["batch_size", "sequence_length"] });
  const pastShape = ["batch_size", NKV, "past_sequence_length", hs];
  const presentShape = ["batch_size", NKV, "total_sequence_length", hs];
  for (let l = 0; l < config.nLayer; l++) {
    const names = cacheNames(l);
    g.input({ name: names.pastKey, type: "float32", shape: pastShape });
    g.input({ name: names.pastValue, type: "float32", shape: pastShape });
  }

  // allowed (B,1,S,T): key j is visible to query i when j <= P + i and attention_mask[b, j] = 1
  const total = g.op("Shape", [attentionMask], { start: { int: 1 }, end: { int: 2 } }, "total_len"); // [T]
  const newLen = g.op("Shape", [inputIds], { start: { int: 1 }, end: { int: 2 } }, "new_len"); // [S]
  const totalScalar = g.op("Squeeze", [total], {}, "total_len_scalar");
  const pastScalar = g.op("Squeeze", [g.op("Sub", [total, newLen], {}, "past_len")], {}, "past_len_scalar");
  const one = g.int64s([1], { scalar: true });
  const keyPos = g.op("Range", [g.int64s([0], { scalar: true }), totalScalar, one], {}, "key_pos"); // (T)
  const queryPos = g.op("Range", [pastScalar, totalScalar, one], {}, "query_pos"); // (S)
  const causal = g.op("LessOrEqual", [
    g.op("Unsqueeze", [keyPos, g.int64s([0])]), // (1,T)
    g.op("Unsqueeze", [queryPos, g.int64s([1])]), // (S,1)
  ], {}, "causal"); // (S,T)
  const keep = g.op("Cast", [attentionMask], { to: { int: 9 } }, "mask_bool"); // (B,T) bool
  const allowed = g.op("And", [causal, g.op("Unsqueeze", [keep, g.int64s([1, 2])])], {}, "allowed"); // (B,1,S,T)

  // embeddings; RoPE tables gathered once at the positions, (B,1,S,hs/2)
  let x = g.op("Gather", [w.embed, inputIds], { axis: { int: 0 } }, "embed"); // (B,S,C)
  let rope: { cos: string; sin: string } | null = null;
  if (gpt2) {
    x = g.op("Add", [x, g.op("Gather", [w.positions!, positionIds], { axis: { int: 0 } })], {}, "embed_pos");
  } else {
    const { cos, sin } = ropeTables(config);
    const at = (table: string, name: string) =>
      g.op("Unsqueeze", [g.op("Gather", [table, positionIds], { axis: { int: 0 } }), g.int64s([1])], {}, name);
    rope = { cos: at(g.floats("rope.cos", [config.maxSeqLen, hs / 2], cos), "cos"), sin: at(g.floats("rope.sin", [config.maxSeqLen, hs / 2], sin), "sin") };
  }

  const heads = (t: string, n: number, name: string) => // (B,S,n*hs) -> (B,n,S,hs)
    g.op("Transpose", [g.op("Reshape", [t, g.int64s([0, 0, n, hs])])], { perm: { ints: [0, 2, 1, 3] } }, name);
  const rotate = (t: string, name: string) => {
    const half = (from: number, to: number) => g.op("Slice", [t, g.int64s([from]), g.int64s([to]), g.int64s([3])]);
    const [x1, x2] = [half(0, hs / 2), half(hs / 2, hs)];
    const mul = (a: string, b: string) => g.op("Mul", [a, b]);
    const r1 = g.op("Sub", [mul(x1, rope!.cos), mul(x2, rope!.sin)]);
    const r2 = g.op("Add", [mul(x2, rope!.cos), mul(x1, rope!.sin)]);
    return g.op("Concat", [r1, r2], { axis: { int: 3 } }, name);
  };
  const expandKv = (t: string) => { // (B,NKV,T,hs) -> (B,NH,T,hs): query head h reads kv head floor(h / group)
    const group = NH / NKV;
    if (group === 1) return t;
    const wide = g.op("Expand", [g.op("Unsqueeze", [t, g.int64s([2])]), g.int64s([1, 1, group, 1, 1])]);
    return g.op("Reshape", [wide, g.int64s([0, NH, -1, hs])]);
  };

  for (let l = 0; l < config.nLayer; l++) {
    const lw = w.layer(l);
    const p = `layers.${l}`;
    const names = cacheNames(l);
    // attention
    const h = w.norm(x, lw.norm1, `${p}.norm1`);
    let q = heads(w.linear(h, lw.q), NH, `${p}.q`);
    let k = heads(w.linear(h, lw.k), NKV, `${p}.k`);
    const v = heads(w.linear(h, lw.v), NKV, `${p}.v`);
    if (rope) {
      q = rotate(q, `${p}.q_rot`);
      k = rotate(k, `${p}.k_rot`);
    }
    const keys = g.op("Concat", [names.pastKey, k], { axis: { int: 2 } }, `${p}.keys`); // (B,NKV,T,hs)
    const values = g.op("Concat", [names.pastValue, v], { axis: { int: 2 } }, `${p}.values`);
    g.output(keys, { name: names.presentKey, type: "float32", shape: presentShape });
    g.output(values, { name: names.presentValue, type: "float32", shape: presentShape });
    const kT = g.op("Transpose", [expandKv(keys)], { perm: { ints: [0, 1, 3, 2] } }); // (B,NH,hs,T)
    const scores = g.op("Mul", [g.op("MatMul", [q, kT]), g.scalar(1 / Math.sqrt(hs))], {}, `${p}.scores`); // (B,NH,S,T)
    const probs = g.op("Softmax", [g.op("Where", [allowed, scores, g.scalar(MASKED)])], { axis: { int: -1 } }, `${p}.probs`);
    const att = g.op("MatMul", [probs, expandKv(values)]); // (B,NH,S,hs)
    const merged = g.op("Reshape", [g.op("Transpose", [att], { perm: { ints: [0, 2, 1, 3] } }), g.int64s([0, 0, C])]);
    x = g.op("Add", [x, w.linear(merged, lw.o)], {}, `${p}.res1`);
    // MLP: GELU (tanh) or SwiGLU
    const h2 = w.norm(x, lw.norm2, `${p}.norm2`);
    let act: string;
    if (lw.gate) {
      const gate = w.linear(h2, lw.gate);
      act = g.op("Mul", [g.op("Mul", [gate, g.op("Sigmoid", [gate])]), w.linear(h2, lw.up)], {}, `${p}.swiglu`);
    } else {
      act = gelu(g, w.linear(h2, lw.up), `${p}.gelu`);
    }
    x = g.op("Add", [x, w.linear(act, lw.down)], {}, `${p}.res2`);
  }
  const final = w.norm(x, w.finalNorm, "normf");
  g.output(g.op("MatMul", [final, w.head], {}, "logits_mm"), {
    name: "logits",
    type: "float32",
    shape: ["batch_size", "sequence_length", V],
  });
  return g.build(`toolrl_${config.family}`, `toolrl ${config.family} decoder with KV cache`);
}

/** GELU, tanh approximation: 0.5 x (1 + tanh(sqrt(2/π)(x + 0.044715 x³))). */
function gelu(g: GraphBuilder, x: string, name: string): string {
  const cube = g.op("Mul", [g.op("Mul", [x, x]), x]);
  const inner = g.op("Mul", [g.op("Add", [x, g.op("Mul", [cube, g.scalar(0.044715)])]), g.scalar(Math.sqrt(2 / Math.PI))]);
  return g.op("Mul", [g.op("Mul", [x, g.scalar(0.5)]), g.op("Add", [g.op("Tanh", [inner]), g.scalar(1)])], {}, name);
}

/** The engine's RoPE table split into cos and sin halves, (maxSeqLen, hs/2) each. */
function ropeTables(config: ModelConfig): { cos: Float32Array; sin: Float32Array } {
  const hs = config.nEmbd / config.nHead, half = hs / 2;
  const table = ropeTable(config.maxSeqLen, hs, config.ropeTheta, config.ropeScaling);
  const cos = new Float32Array(config.maxSeqLen * half), sin = new Float32Array(config.maxSeqLen * half);
  for (let p = 0; p < config.maxSeqLen; p++) {
    cos.set(table.subarray(p * hs, p * hs + half), p * half);
    sin.set(table.subarray(p * hs + half, (p + 1) * hs), p * half);
  }
  return { cos, sin };
}

/** A linear layer: weight (in,out) and optional bias, as initializer names. */
interface Linear {
  weight: string;
  bias: string | null;
}

/** A norm: weight and (LayerNorm) bias. */
interface Norm {
  weight: string;
  bias: string | null;
}

interface LayerWeights {
  norm1: Norm;
  norm2: Norm;
  q: Linear;
  k: Linear;
  v: Linear;
  o: Linear;
  up: Linear;
  gate: Linear | null;
  down: Linear;
}

/** Reads HF-named weights into initializers (linear weights as (in,out)) and writes norms and linears. */
function weightReader(config: ModelConfig, weights: TensorMap, g: GraphBuilder) {
  const { nEmbd: C, normEps } = config;
  const get = (name: string) => {
    const t = weights.get(name);
    if (!t) throw new Error(`ONNX export: weight "${name}" is missing; pass the weights loadCheckpoint returns for this config`);
    return t;
  };
  const plain = (name: string) => g.floats(name, get(name).shape, get(name).data);
  const optional = (name: string) => (weights.has(name) ? plain(name) : null);
  // HF Linear (out,in) -> (in,out)
  const transposed = (name: string): Linear => {
    const { shape: [rows, cols], data } = get(name);
    const out = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
    return { weight: g.floats(`${name}_t`, [cols, rows], out), bias: optional(name.replace(/weight$/, "bias")) };
  };
  // GPT-2 Conv1D (in,out), optionally only columns [from, to)
  const conv1d = (prefix: string, from?: number, to?: number, part = ""): Linear => {
    const { shape: [rows, cols], data } = get(`${prefix}.weight`);
    const bias = get(`${prefix}.bias`).data;
    const [a, b] = [from ?? 0, to ?? cols];
    const weight = new Float32Array(rows * (b - a));
    for (let r = 0; r < rows; r++) weight.set(data.subarray(r * cols + a, r * cols + b), r * (b - a));
    return {
      weight: g.floats(`${prefix}.weight${part}`, [rows, b - a], weight),
      bias: g.floats(`${prefix}.bias${part}`, [b - a], bias.slice(a, b)),
    };
  };
  const gpt2 = config.family === "gpt2";
  const embed = plain(gpt2 ? "transformer.wte.weight" : "model.embed_tokens.weight");
  const positions = gpt2 ? plain("transformer.wpe.weight") : null;
  const finalNorm: Norm = gpt2
    ? { weight: plain("transformer.ln_f.weight"), bias: plain("transformer.ln_f.bias") }
    : { weight: plain("model.norm.weight"), bias: null };
  const head = weights.has("lm_head.weight") && !config.tieEmbeddings
    ? transposed("lm_head.weight").weight
    : g.op("Transpose", [embed], { perm: { ints: [1, 0] } }, "lm_head_t"); // tied: (V,C) -> (C,V)

  const layer = (l: number): LayerWeights => {
    if (gpt2) {
      const h = `transformer.h.${l}`;
      return {
        norm1: { weight: plain(`${h}.ln_1.weight`), bias: plain(`${h}.ln_1.bias`) },
        norm2: { weight: plain(`${h}.ln_2.weight`), bias: plain(`${h}.ln_2.bias`) },
        q: conv1d(`${h}.attn.c_attn`, 0, C, ".q"),
        k: conv1d(`${h}.attn.c_attn`, C, 2 * C, ".k"),
        v: conv1d(`${h}.attn.c_attn`, 2 * C, 3 * C, ".v"),
        o: conv1d(`${h}.attn.c_proj`),
        up: conv1d(`${h}.mlp.c_fc`),
        gate: null,
        down: conv1d(`${h}.mlp.c_proj`),
      };
    }
    const h = `model.layers.${l}`;
    return {
      norm1: { weight: plain(`${h}.input_layernorm.weight`), bias: null },
      norm2: { weight: plain(`${h}.post_attention_layernorm.weight`), bias: null },
      q: transposed(`${h}.self_attn.q_proj.weight`),
      k: transposed(`${h}.self_attn.k_proj.weight`),
      v: transposed(`${h}.self_attn.v_proj.weight`),
      o: transposed(`${h}.self_attn.o_proj.weight`),
      up: transposed(`${h}.mlp.up_proj.weight`),
      gate: transposed(`${h}.mlp.gate_proj.weight`),
      down: transposed(`${h}.mlp.down_proj.weight`),
    };
  };

  return {
    embed,
    positions,
    finalNorm,
    head,
    layer,
    /** x (…,in) @ W (in,out) + b */
    linear(x: string, { weight, bias }: Linear): string {
      const y = g.op("MatMul", [x, weight]);
      return bias ? g.op("Add", [y, bias]) : y;
    },
    /** LayerNorm (with bias) or RMSNorm over the last axis. */
    norm(x: string, { weight, bias }: Norm, name: string): string {
      if (bias) {
        return g.op("LayerNormalization", [x, weight, bias], { axis: { int: -1 }, epsilon: { float: normEps } }, name);
      }
      const meanSquare = g.op("ReduceMean", [g.op("Mul", [x, x])], { axes: { ints: [-1] }, keepdims: { int: 1 } });
      const rms = g.op("Sqrt", [g.op("Add", [meanSquare, g.scalar(normEps)])]);
      return g.op("Mul", [g.op("Div", [x, rms]), weight], {}, name);
    },
  };
}
