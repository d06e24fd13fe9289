/**
 * Hugging Face names and shapes of the parameters. Each HF tensor is the concatenation, along its
 * last axis, of internal tensors that are optionally transposed: GPT-2's Conv1D weights are
 * transposed `nn.Linear` weights, and `c_attn` holds q, k and v side by side.
 */
import type { ModelConfig } from "../types.ts";

/** A named host tensor, as in a safetensors file. */
export interface HostTensor {
  shape: number[];
  data: Float32Array;
}

/** One HF tensor and the internal parameters it is made of. */
interface HfEntry {
  name: string;
  shape: number[];
  parts: { name: string; transpose: boolean }[];
}

/** The HF tensors of a model of `config`, with their parts (internal names from `paramSpecs`). */
function hfEntries(config: ModelConfig, internalShapes: Map<string, number[]>): HfEntry[] {
  const entries: HfEntry[] = [];
  const direct = (name: string, part: string) => {
    const shape = internalShapes.get(part);
    if (shape) entries.push({ name, shape, parts: [{ name: part, transpose: false }] });
  };
  const conv1d = (name: string, parts: string[]) => {
    const shapes = parts.map((p) => internalShapes.get(p)!);
    if (shapes.some((s) => s === undefined)) return;
    const shape = shapes[0].length === 2
      ? [shapes[0][1], shapes.reduce((a, s) => a + s[0], 0)]
      : [shapes.reduce((a, s) => a + s[0], 0)];
    entries.push({ name, shape, parts: parts.map((p) => ({ name: p, transpose: shape.length === 2 })) });
  };
  if (config.family === "gpt2") {
    direct("transformer.wte.weight", "wte");
    direct("transformer.wpe.weight", "wpe");
    for (let l = 0; l < config.nLayer; l++) {
      const p = `layers.${l}`, h = `transformer.h.${l}`;
      for (const kind of ["weight", "bias"]) {
        direct(`${h}.ln_1.${kind}`, `${p}.norm1.${kind}`);
        conv1d(`${h}.attn.c_attn.${kind}`, ["q", "k", "v"].map((x) => `${p}.attn.${x}.${kind}`));
        conv1d(`${h}.attn.c_proj.${kind}`, [`${p}.attn.o.${kind}`]);
        direct(`${h}.ln_2.${kind}`, `${p}.norm2.${kind}`);
        conv1d(`${h}.mlp.c_fc.${kind}`, [`${p}.mlp.up.${kind}`]);
        conv1d(`${h}.mlp.c_proj.${kind}`, [`${p}.mlp.down.${kind}`]);
      }
    }
    direct("transformer.ln_f.weight", "normf.weight");
    direct("transformer.ln_f.bias", "normf.bias");
  } else {
    direct("model.embed_tokens.weight", "wte");
    for (let l = 0; l < config.nLayer; l++) {
      const p = `layers.${l}`, h = `model.layers.${l}`;
      direct(`${h}.input_layernorm.weight`, `${p}.norm1.weight`);
      for (const x of ["q", "k", "v", "o"]) {
        direct(`${h}.self_attn.${x}_proj.weight`, `${p}.attn.${x}.weight`);
        direct(`${h}.self_attn.${x}_proj.bias`, `${p}.attn.${x}.bias`);
      }
      direct(`${h}.self_attn.q_norm.weight`, `${p}.attn.qnorm.weight`);
      direct(`${h}.self_attn.k_norm.weight`, `${p}.attn.knorm.weight`);
      direct(`${h}.post_attention_layernorm.weight`, `${p}.norm2.weight`);
      for (const x of ["gate", "up", "down"]) direct(`${h}.mlp.${x}_proj.weight`, `${p}.mlp.${x}.weight`);
    }
    direct("model.norm.weight", "normf.weight");
  }
  direct("lm_head.weight", "lm_head");
  direct("v_head.summary.weight", "v_head.weight");
  direct("v_head.summary.bias", "v_head.bias");
  return entries;
}

/**
 * Internal tensors → HF-named tensors.
 *
 * @example
 * ```ts
 * const hf = toHf(config, internal); // Map { "transformer.wte.weight" => { shape: [V, C], data } ... }
 * ```
 */
export function toHf(config: ModelConfig, internal: Map<string, HostTensor>): Map<string, HostTensor> {
  const shapes = new Map([...internal].map(([k, t]) => [k, t.shape]));
  const out = new Map<string, HostTensor>();
  for (const entry of hfEntries(config, shapes)) {
    const rows = entry.shape.length === 2 ? entry.shape[0] : 1;
    const cols = entry.shape[entry.shape.length - 1];
    const data = new Float32Array(rows * cols);
    let offset = 0;
    for (const part of entry.parts) {
      const src = internal.get(part.name)!;
      if (!part.transpose) {
        data.set(src.data, offset);
        offset += src.data.length;
        continue;
      }
      // src (partCols, rows) → columns offset..offset+partCols of data (rows, cols)
      const partCols = src.shape[0];
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < partCols; c++) data[r * cols + offset + c] = src.data[c * rows + r];
      }
      offset += partCols;
    }
    out.set(entry.name, { shape: entry.shape, data });
  }
  return out;
}

/** Keys that HF checkpoints carry but that are not parameters (causal-mask buffers, RoPE frequencies). */
const IGNORED = [/\.attn\.bias$/, /\.attn\.masked_bias$/, /rotary_emb\.inv_freq$/];

/**
 * HF-named tensors → internal tensors of the given shapes. GPT-2 names without the `transformer.`
 * prefix are accepted; `lm_head.weight` is ignored when embeddings are tied; the value head may be
 * missing (it keeps its current values). Throws listing missing and unexpected names or a wrong shape.
 */
export function fromHf(
  config: ModelConfig,
  hf: Map<string, HostTensor>,
  internalShapes: Map<string, number[]>,
): Map<string, Float32Array> {
  const entries = hfEntries(config, internalShapes);
  const byName = new Map<string, HostTensor>();
  for (const [key, tensor] of hf) {
    if (IGNORED.some((re) => re.test(key))) continue;
    if (config.tieEmbeddings && key === "lm_head.weight") continue;
    const gpt2Bare = config.family === "gpt2" && /^(wte|wpe|h\.|ln_f)/.test(key);
    byName.set(gpt2Bare ? `transformer.${key}` : key, tensor);
  }
  const known = new Set(entries.map((e) => e.name));
  const unexpected = [...byName.keys()].filter((k) => !known.has(k));
  const missing = entries.filter((e) => !byName.has(e.name) && !e.name.startsWith("v_head.")).map((e) => e.name);
  if (unexpected.length > 0 || missing.length > 0) {
    throw new Error(
      `State dict does not match the ${config.family} config: missing [${missing.slice(0, 8).join(", ")}]` +
        `${missing.length > 8 ? ` and ${missing.length - 8} more` : ""}, unexpected [${unexpected.slice(0, 8).join(", ")}]` +
        `${unexpected.length > 8 ? ` and ${unexpected.length - 8} more` : ""}; check the config (family, nLayer, qkvBias, tieEmbeddings).`,
    );
  }
  const out = new Map<string, Float32Array>();
  for (const entry of entries) {
    const src = byName.get(entry.name);
    if (!src) continue;
    const size = entry.shape.reduce((a, b) => a * b, 1);
    if (src.shape.join(",") !== entry.shape.join(",") || src.data.length !== size) {
      throw new Error(
        `Tensor "${entry.name}" has shape [${src.shape}] (${src.data.length} values) but the config needs [${entry.shape}].`,
      );
    }
    const rows = entry.shape.length === 2 ? entry.shape[0] : 1;
    const cols = entry.shape[entry.shape.length - 1];
    let offset = 0;
    for (const part of entry.parts) {
      const shape = internalShapes.get(part.name)!;
      const n = shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(n);
      if (!part.transpose) {
        data.set(src.data.subarray(offset, offset + n));
        offset += n;
      } else {
        const partCols = shape[0];
        for (let r = 0; r < rows; r++) {
          for (let c = 0; c < partCols; c++) data[c * rows + r] = src.data[r * cols + offset + c];
        }
        offset += partCols;
      }
      out.set(part.name, data);
    }
  }
  return out;
}
