/**
 * LoRA adapters (Hu et al. 2021, as PEFT implements them): a targeted projection y = W x + b becomes
 * y = W x + b + (alpha / r) · B (A x), with A (r, in) drawn like PEFT's kaiming_uniform_(a = √5), i.e.
 * uniform(±1/√in), and B (out, r) zero, so a fresh adapter leaves the model unchanged. Targets are the
 * Hugging Face module names of the Llama-family projections; only the adapters (and the value head) train.
 *
 * Internal names: `layers.{l}.{attn|mlp}.{q,k,v,o|gate,up,down}.lora_A` (r, in) and `.lora_B` (out, r).
 */
import type { ModelConfig } from "../types.ts";
import { headSize } from "./config.ts";
import type { ParamSpec } from "./params.ts";

/** Rank, scale and targets of the adapters; dropout is 0 (PEFT's `lora_dropout`). */
export interface LoraConfig {
  rank: number;
  alpha: number;
  /** HF module names: q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj. */
  targetModules: string[];
}

export { LORA_MODULES, type LinearName } from "./lora_modules.ts";
import { LORA_MODULES, type LinearName } from "./lora_modules.ts";

/** (in, out) sizes of each projection. */
export function linearShapes(config: ModelConfig): Record<LinearName, [number, number]> {
  const { nEmbd: C, nInner: H, nHead: NH, nKvHead: NKV } = config;
  const hs = headSize(config);
  return { q: [C, NH * hs], k: [C, NKV * hs], v: [C, NKV * hs], o: [NH * hs, C], gate: [C, H], up: [C, H], down: [H, C] };
}

/**
 * Checks `lora` against `config`; throws naming the bad value.
 *
 * @example
 * ```ts
 * validateLora(config, { rank: 8, alpha: 16, targetModules: ["q_proj", "v_proj"] });
 * ```
 */
export function validateLora(config: ModelConfig, lora: LoraConfig): LoraConfig {
  if (config.family === "gpt2") throw new Error(`LoRA: gpt2 (Conv1D c_attn) is not supported; use a llama, qwen2 or qwen3 model`);
  if (!Number.isInteger(lora.rank) || lora.rank < 1) throw new Error(`LoRA: rank ${lora.rank} must be a positive integer`);
  if (!(lora.alpha > 0)) throw new Error(`LoRA: alpha ${lora.alpha} must be positive`);
  if (!Array.isArray(lora.targetModules) || lora.targetModules.length === 0) {
    throw new Error(`LoRA: targetModules ${JSON.stringify(lora.targetModules)} must name at least one of ${Object.keys(LORA_MODULES).join(", ")}`);
  }
  for (const module of lora.targetModules) {
    if (!(module in LORA_MODULES)) throw new Error(`LoRA: target module "${module}" is not one of ${Object.keys(LORA_MODULES).join(", ")}`);
  }
  return lora;
}

/** The scale alpha / r of the low-rank branch. */
export function loraScale(lora: LoraConfig): number {
  return lora.alpha / lora.rank;
}

/** The adapters' parameters in a fixed order (A uniform(±1/√in), B zeros; no weight decay by default in PEFT's sense). */
export function loraSpecs(config: ModelConfig, lora: LoraConfig): ParamSpec[] {
  const shapes = linearShapes(config);
  const specs: ParamSpec[] = [];
  for (let l = 0; l < config.nLayer; l++) {
    for (const module of lora.targetModules) {
      const { name, part } = LORA_MODULES[module];
      const [inp, out] = shapes[name];
      specs.push({ name: `layers.${l}.${part}.${name}.lora_A`, shape: [lora.rank, inp], decay: true, init: { uniform: 1 / Math.sqrt(inp) } });
      specs.push({ name: `layers.${l}.${part}.${name}.lora_B`, shape: [out, lora.rank], decay: true, init: "zeros" });
    }
  }
  return specs;
}

/** Internal adapter name → PEFT's name (`base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight`). */
export function peftName(internal: string): string {
  const match = /^layers\.(\d+)\.(attn|mlp)\.(\w+)\.(lora_[AB])$/.exec(internal);
  if (!match) throw new Error(`LoRA: "${internal}" is not an adapter name`);
  const [, l, , name, ab] = match;
  const module = Object.values(LORA_MODULES).find((m) => m.name === name)!;
  return `base_model.model.model.layers.${l}.${module.hf}.${ab}.weight`;
}
