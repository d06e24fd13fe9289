// Parity with Hugging Face semantics: a naive float64 forward written straight from the HF modules
// (GPT2 Conv1D x·W + b with c_attn = [q|k|v]; Llama/Qwen2 Linear x·Wᵀ, rotate-half RoPE, repeat_kv GQA)
// over HF-named tensors must give the engine's logits, for weights the engine saved and for a
// checkpoint written by hand.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { asciiTokenizer } from "../conformance/fixtures.ts";
import { compare } from "../conformance/compare.ts";
import { createPrng } from "../../../core/random/sfc32.ts";
import type { ModelConfig } from "../types.ts";
import { createModel } from "./model.ts";
import type { HostTensor } from "./state_dict.ts";

type Weights = Map<string, HostTensor>;
type Vec = number[];

/** x (n) · W where W is (n, m) row-major (Conv1D), or x · Wᵀ where W is (m, n) (Linear). */
function conv1d(x: Vec, w: HostTensor, b?: HostTensor): Vec {
  const [n, m] = w.shape;
  return Array.from({ length: m }, (_, j) => {
    let s = b ? b.data[j] : 0;
    for (let i = 0; i < n; i++) s += x[i] * w.data[i * m + j];
    return s;
  });
}
function linear(x: Vec, w: HostTensor, b?: HostTensor): Vec {
  const [m, n] = w.shape;
  return Array.from({ length: m }, (_, j) => {
    let s = b ? b.data[j] : 0;
    for (let i = 0; i < n; i++) s += x[i] * w.data[j * n + i];
    return s;
  });
}
function layerNorm(x: Vec, w: HostTensor, b: HostTensor, eps: number): Vec {
  const mean = x.reduce((a, v) => a + v, 0) / x.length;
  const variance = x.reduce((a, v) => a + (v - mean) ** 2, 0) / x.length;
  return x.map((v, i) => ((v - mean) / Math.sqrt(variance + eps)) * w.data[i] + b.data[i]);
}
function rmsNorm(x: Vec, w: HostTensor, eps: number): Vec {
  const ms = x.reduce((a, v) => a + v * v, 0) / x.length;
  return x.map((v, i) => (v / Math.sqrt(ms + eps)) * w.data[i]);
}
const gelu = (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
const silu = (x: number) => x / (1 + Math.exp(-x));

function rotateHalf(x: Vec, pos: number, theta: number): Vec {
  const half = x.length / 2;
  return x.map((v, i) => {
    const j = i % half;
    const angle = pos / Math.pow(theta, (2 * j) / x.length);
    const rotated = i < half ? -x[i + half] : x[i - half];
    return v * Math.cos(angle) + rotated * Math.sin(angle);
  });
}

/** Causal attention of per-position q (T, NH*hs), k, v (T, NKV*hs) with repeat_kv. */
function attention(q: Vec[], k: Vec[], v: Vec[], NH: number, NKV: number, hs: number): Vec[] {
  return q.map((qt, t) => {
    const out: Vec = [];
    for (let h = 0; h < NH; h++) {
      const kvh = Math.floor(h / (NH / NKV));
      const scores = k.slice(0, t + 1).map((kt) => {
        let s = 0;
        for (let i = 0; i < hs; i++) s += qt[h * hs + i] * kt[kvh * hs + i];
        return s / Math.sqrt(hs);
      });
      const max = Math.max(...scores);
      const e = scores.map((s) => Math.exp(s - max));
      const sum = e.reduce((a, b) => a + b, 0);
      for (let i = 0; i < hs; i++) out.push(e.reduce((a, p, t2) => a + (p / sum) * v[t2][kvh * hs + i], 0));
    }
    return out;
  });
}

/** Logits (T, V) for one sequence, from HF-named weights. */
function hfLogits(config: ModelConfig, w: Weights, tokens: number[]): Vec[] {
  const get = (name: string) => {
    const t = w.get(name);
    if (!t) throw new Error(`missing ${name}`);
    return t;
  };
  const { nEmbd: C, nHead: NH, nKvHead: NKV, normEps: eps } = config;
  const hs = C / NH;
  const row = (t: HostTensor, r: number) => Array.from(t.data.subarray(r * t.shape[1], (r + 1) * t.shape[1]));
  const add = (a: Vec[], b: Vec[]) => a.map((x, t) => x.map((v, i) => v + b[t][i]));
  let x: Vec[];
  if (config.family === "gpt2") {
    const p = get;
    x = tokens.map((tok, t) => row(p("wte.weight"), tok).map((v, i) => v + row(p("wpe.weight"), t)[i]));
    for (let l = 0; l < config.nLayer; l++) {
      const h = (n: string) => p(`h.${l}.${n}`);
      const n1 = x.map((xt) => layerNorm(xt, h("ln_1.weight"), h("ln_1.bias"), eps));
      const qkv = n1.map((xt) => conv1d(xt, h("attn.c_attn.weight"), h("attn.c_attn.bias")));
      const att = attention(qkv.map((r) => r.slice(0, C)), qkv.map((r) => r.slice(C, 2 * C)), qkv.map((r) => r.slice(2 * C)), NH, NH, hs);
      x = add(x, att.map((a) => conv1d(a, h("attn.c_proj.weight"), h("attn.c_proj.bias"))));
      const n2 = x.map((xt) => layerNorm(xt, h("ln_2.weight"), h("ln_2.bias"), eps));
      const m = n2.map((xt) => conv1d(conv1d(xt, h("mlp.c_fc.weight"), h("mlp.c_fc.bias")).map(gelu), h("mlp.c_proj.weight"), h("mlp.c_proj.bias")));
      x = add(x, m);
    }
    x = x.map((xt) => layerNorm(xt, p("ln_f.weight"), p("ln_f.bias"), eps));
    return x.map((xt) => linear(xt, p("wte.weight")));
  }
  x = tokens.map((tok) => row(get("model.embed_tokens.weight"), tok));
  for (let l = 0; l < config.nLayer; l++) {
    const h = (n: string) => get(`model.layers.${l}.${n}`);
    const bias = (n: string) => (config.qkvBias ? h(n) : undefined);
    const n1 = x.map((xt) => rmsNorm(xt, h("input_layernorm.weight"), eps));
    const split = (r: Vec, heads: number, pos: number) =>
      Array.from({ length: heads }, (_, i) => rotateHalf(r.slice(i * hs, (i + 1) * hs), pos, config.ropeTheta)).flat();
    const q = n1.map((xt, t) => split(linear(xt, h("self_attn.q_proj.weight"), bias("self_attn.q_proj.bias")), NH, t));
    const k = n1.map((xt, t) => split(linear(xt, h("self_attn.k_proj.weight"), bias("self_attn.k_proj.bias")), NKV, t));
    const v = n1.map((xt) => linear(xt, h("self_attn.v_proj.weight"), bias("self_attn.v_proj.bias")));
    x = add(x, attention(q, k, v, NH, NKV, hs).map((a) => linear(a, h("self_attn.o_proj.weight"))));
    const n2 = x.map((xt) => rmsNorm(xt, h("post_attention_layernorm.weight"), eps));
    const m = n2.map((xt) => {
      const g = linear(xt, h("mlp.gate_proj.weight")), u = linear(xt, h("mlp.up_proj.weight"));
      return linear(g.map((gv, i) => silu(gv) * u[i]), h("mlp.down_proj.weight"));
    });
    x = add(x, m);
  }
  x = x.map((xt) => rmsNorm(xt, get("model.norm.weight"), eps));
  return x.map((xt) => linear(xt, config.tieEmbeddings ? get("model.embed_tokens.weight") : get("lm_head.weight")));
}

const tokenizer = asciiTokenizer();
const base = { vocabSize: 97, maxSeqLen: 16, nLayer: 2, nHead: 4, nEmbd: 16, nInner: 24, normEps: 1e-5, ropeTheta: 10000 };
const gpt2: ModelConfig = { ...base, family: "gpt2", nKvHead: 4, qkvBias: false, tieEmbeddings: true };
const qwen2: ModelConfig = { ...base, family: "qwen2", nKvHead: 2, qkvBias: true, tieEmbeddings: false };
const tokens = tokenizer.encode("Result = 42");

async function engineLogits(model: Awaited<ReturnType<typeof createModel>>): Promise<Float32Array> {
  return model.logits({ tokens: Int32Array.from(tokens), B: 1, T: tokens.length });
}

/** Weights of HF shapes drawn at random, keyed the way the HF checkpoint on disk keys them. */
function handWritten(config: ModelConfig, names: Map<string, number[]>, extra: Weights): Weights {
  const rng = createPrng(5);
  const out = new Map(extra);
  for (const [name, shape] of names) {
    const n = shape.reduce((a, b) => a * b, 1);
    const isNorm = /(ln_\d|ln_f|layernorm|norm)\.weight$/.test(name);
    out.set(name, { shape, data: Float32Array.from({ length: n }, () => (isNorm ? 1 : 0) + rng.normal() * 0.2) });
  }
  return out;
}

for (const config of [gpt2, qwen2]) {
  test(`${config.family}: engine logits equal a naive HF-semantics forward over its saved weights`, async () => {
    const model = await createModel(config, { tokenizer, seed: 3 });
    const state = await model.stateDict();
    // the engine's gpt2 names carry "transformer."; the naive forward reads the bare names of the hub checkpoint
    const hf: Weights = new Map([...state].map(([k, t]) => [k.replace(/^transformer\./, ""), t]));
    const expected = hfLogits(config, hf, tokens).flat();
    const c = compare("logits", expected, await engineLogits(model), { atol: 1e-5, rtol: 1e-4 });
    assert.ok(c.ok, c.mismatches.join("; "));
  });

  test(`${config.family}: a checkpoint written by hand with HF names loads and gives HF logits`, async () => {
    const model = await createModel(config, { tokenizer, seed: 3 });
    const shapes = new Map([...(await model.stateDict())].map(([k, t]) => [k.replace(/^transformer\./, ""), t.shape]));
    shapes.delete("v_head.summary.weight");
    shapes.delete("v_head.summary.bias");
    const extra: Weights = config.family === "gpt2"
      ? new Map([["h.0.attn.bias", { shape: [1, 1, 16, 16], data: new Float32Array(256) }]])
      : new Map();
    const hand = handWritten(config, shapes, extra);
    await model.loadStateDict(hand);
    const expected = hfLogits(config, hand, tokens).flat();
    const c = compare("logits", expected, await engineLogits(model), { atol: 1e-4, rtol: 1e-4 });
    assert.ok(c.ok, c.mismatches.join("; "));
  });
}

test.run();
