/**
 * The parameters of both families under one internal layout (weights in `nn.Linear` (out, in) form),
 * their GPT-2-style initial values, and a typed view (`Weights`) the forward and backward code reads.
 * The same view is bound over gradients, so `grads.layers[l].wq` is the gradient of `weights.layers[l].wq`.
 *
 * Internal names: `wte` (V,C), `wpe` (maxT,C) gpt2 only, `layers.{l}.norm1.{weight,bias}`,
 * `layers.{l}.attn.{q,k,v}.{weight,bias}` (NH*hs or NKV*hs, C), `layers.{l}.attn.{qnorm,knorm}.weight` (hs) qwen3 only,
 * `layers.{l}.attn.o.{weight,bias}` (C, NH*hs),
 * `layers.{l}.norm2.*`, `layers.{l}.mlp.{gate,up}.weight` (H,C), `layers.{l}.mlp.down.weight` (C,H)
 * (gpt2: `up` is c_fc, `down` c_proj, with biases; no gate), `normf.*`, `lm_head` (V,C) untied only,
 * `v_head.weight` (1,C), `v_head.bias` (1). Biases and norm biases exist only where the family has them.
 */
import type { Tensor } from "../backend/backend.ts";
import type { Prng } from "../../../core/random/sfc32.ts";
import type { ModelConfig } from "../types.ts";
import { headSize } from "./config.ts";
import { LORA_MODULES, type LinearName } from "./lora_modules.ts";

/** One parameter: name, shape, whether AdamW decays it, and how it starts. */
export interface ParamSpec {
  name: string;
  shape: number[];
  /** Weight decay applies to matrices only. */
  decay: boolean;
  /** "zeros", "ones", the standard deviation of a normal, or the bound of a uniform (LoRA's A). */
  init: "zeros" | "ones" | number | { uniform: number };
}

/** The weights (or gradients) of one block. */
export interface LayerWeights {
  norm1W: Tensor;
  norm1B: Tensor | null;
  wq: Tensor;
  bq: Tensor | null;
  wk: Tensor;
  bk: Tensor | null;
  wv: Tensor;
  bv: Tensor | null;
  /** Per-head RMSNorm weights on q and k (hs), qwen3 only. */
  qNormW: Tensor | null;
  kNormW: Tensor | null;
  wo: Tensor;
  bo: Tensor | null;
  norm2W: Tensor;
  norm2B: Tensor | null;
  wgate: Tensor | null;
  wup: Tensor;
  bup: Tensor | null;
  wdown: Tensor;
  bdown: Tensor | null;
  /** LoRA adapters (A (r,in), B (out,r)) on the projections that have one. */
  lora: Partial<Record<LinearName, { a: Tensor; b: Tensor }>>;
}

/** All weights (or gradients) by role; `lmHead` is `wte` when embeddings are tied. */
export interface Weights {
  wte: Tensor;
  wpe: Tensor | null;
  layers: LayerWeights[];
  normfW: Tensor;
  normfB: Tensor | null;
  lmHead: Tensor;
  vW: Tensor;
  vB: Tensor;
}

/** Every parameter of a model of `config`, in a fixed order. */
export function paramSpecs(config: ModelConfig): ParamSpec[] {
  const { vocabSize: V, nEmbd: C, nInner: H, nHead: NH, nKvHead: NKV, nLayer: L } = config;
  const hs = headSize(config);
  const gpt2 = config.family === "gpt2";
  const std = 0.02, residualStd = 0.02 / Math.sqrt(2 * L);
  const specs: ParamSpec[] = [];
  const matrix = (name: string, shape: number[], init = std) => specs.push({ name, shape, decay: true, init });
  const vector = (name: string, n: number, init: "zeros" | "ones") => specs.push({ name, shape: [n], decay: false, init });
  const norm = (prefix: string) => {
    vector(`${prefix}.weight`, C, "ones");
    if (gpt2) vector(`${prefix}.bias`, C, "zeros");
  };
  matrix("wte", [V, C]);
  if (gpt2) matrix("wpe", [config.maxSeqLen, C]);
  for (let l = 0; l < L; l++) {
    const p = `layers.${l}`;
    norm(`${p}.norm1`);
    for (const [name, out] of [["q", NH * hs], ["k", NKV * hs], ["v", NKV * hs]] as const) {
      matrix(`${p}.attn.${name}.weight`, [out, C]);
      if (gpt2 || config.qkvBias) vector(`${p}.attn.${name}.bias`, out, "zeros");
    }
    if (config.family === "qwen3") {
      specs.push({ name: `${p}.attn.qnorm.weight`, shape: [hs], decay: false, init: "ones" });
      specs.push({ name: `${p}.attn.knorm.weight`, shape: [hs], decay: false, init: "ones" });
    }
    matrix(`${p}.attn.o.weight`, [C, NH * hs], residualStd);
    if (gpt2) vector(`${p}.attn.o.bias`, C, "zeros");
    norm(`${p}.norm2`);
    if (!gpt2) matrix(`${p}.mlp.gate.weight`, [H, C]);
    matrix(`${p}.mlp.up.weight`, [H, C]);
    if (gpt2) vector(`${p}.mlp.up.bias`, H, "zeros");
    matrix(`${p}.mlp.down.weight`, [C, H], residualStd);
    if (gpt2) vector(`${p}.mlp.down.bias`, C, "zeros");
  }
  norm("normf");
  if (!config.tieEmbeddings) matrix("lm_head", [V, C]);
  matrix("v_head.weight", [1, C]);
  vector("v_head.bias", 1, "zeros");
  return specs;
}

/** Initial values of one parameter, drawn from `rng`. */
export function initialValues(spec: ParamSpec, rng: Prng): Float32Array {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  if (spec.init === "ones") data.fill(1);
  else if (typeof spec.init === "number") for (let i = 0; i < n; i++) data[i] = rng.normal() * spec.init;
  else if (typeof spec.init === "object") for (let i = 0; i < n; i++) data[i] = (rng.next() * 2 - 1) * spec.init.uniform;
  return data;
}

/** The typed view of tensors named as in `paramSpecs` (parameters or their gradients). */
export function bindWeights(config: ModelConfig, byName: Map<string, Tensor>): Weights {
  const get = (name: string): Tensor => {
    const t = byName.get(name);
    if (!t) throw new Error(`bindWeights: no tensor named "${name}"`);
    return t;
  };
  const opt = (name: string): Tensor | null => byName.get(name) ?? null;
  const layers: LayerWeights[] = [];
  for (let l = 0; l < config.nLayer; l++) {
    const p = `layers.${l}`;
    const lora: LayerWeights["lora"] = {};
    for (const { name, part } of Object.values(LORA_MODULES)) {
      const a = opt(`${p}.${part}.${name}.lora_A`), b = opt(`${p}.${part}.${name}.lora_B`);
      if (a && b) lora[name] = { a, b };
    }
    layers.push({
      lora,
      norm1W: get(`${p}.norm1.weight`),
      norm1B: opt(`${p}.norm1.bias`),
      wq: get(`${p}.attn.q.weight`),
      bq: opt(`${p}.attn.q.bias`),
      wk: get(`${p}.attn.k.weight`),
      bk: opt(`${p}.attn.k.bias`),
      wv: get(`${p}.attn.v.weight`),
      bv: opt(`${p}.attn.v.bias`),
      qNormW: opt(`${p}.attn.qnorm.weight`),
      kNormW: opt(`${p}.attn.knorm.weight`),
      wo: get(`${p}.attn.o.weight`),
      bo: opt(`${p}.attn.o.bias`),
      norm2W: get(`${p}.norm2.weight`),
      norm2B: opt(`${p}.norm2.bias`),
      wgate: opt(`${p}.mlp.gate.weight`),
      wup: get(`${p}.mlp.up.weight`),
      bup: opt(`${p}.mlp.up.bias`),
      wdown: get(`${p}.mlp.down.weight`),
      bdown: opt(`${p}.mlp.down.bias`),
    });
  }
  return {
    wte: get("wte"),
    wpe: opt("wpe"),
    layers,
    normfW: get("normf.weight"),
    normfB: opt("normf.bias"),
    lmHead: config.tieEmbeddings ? get("wte") : get("lm_head"),
    vW: get("v_head.weight"),
    vB: get("v_head.bias"),
  };
}
