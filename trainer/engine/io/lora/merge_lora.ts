/**
 * Folds LoRA adapters into the weights they adapt, W' = W + (alpha / r) · B A, as PEFT's `merge_and_unload`
 * does; the result is a plain checkpoint any tool loads without PEFT.
 */
import { type LoraConfig, loraScale } from "../../model/lora.ts";
import type { TensorMap } from "../safetensors/safetensors.ts";

const ADAPTER_NAME = /^base_model\.model\.(.+)\.lora_([AB])\.weight$/;

/**
 * `weights` (HF names) with every adapter of `adapters` (PEFT names) merged in; throws naming an adapter
 * without its pair or without the weight it adapts.
 *
 * @example
 * ```ts
 * const merged = mergeLora(await model.stateDict(), await model.adapterState(), model.lora!);
 * ```
 */
export function mergeLora(weights: TensorMap, adapters: TensorMap, lora: LoraConfig): TensorMap {
  const merged: TensorMap = new Map([...weights].map(([k, t]) => [k, { shape: [...t.shape], data: t.data.slice() }]));
  const scale = loraScale(lora);
  for (const [name, a] of adapters) {
    const match = ADAPTER_NAME.exec(name);
    if (!match) throw new Error(`mergeLora: "${name}" is not a PEFT LoRA tensor name`);
    if (match[2] === "B") continue;
    const b = adapters.get(`base_model.model.${match[1]}.lora_B.weight`);
    if (!b) throw new Error(`mergeLora: "${name}" has no lora_B beside it`);
    const target = merged.get(`${match[1]}.weight`);
    if (!target) throw new Error(`mergeLora: the adapter "${name}" adapts "${match[1]}.weight", which the weights lack`);
    const [out, inp] = target.shape, r = a.shape[0];
    if (a.shape[1] !== inp || b.shape[0] !== out || b.shape[1] !== r) {
      throw new Error(`mergeLora: "${name}" [${a.shape}] and its B [${b.shape}] do not fit "${match[1]}.weight" [${target.shape}]`);
    }
    // W (out,in) += scale · B (out,r) · A (r,in)
    for (let o = 0; o < out; o++) {
      for (let k = 0; k < r; k++) {
        const bs = scale * b.data[o * r + k];
        if (bs === 0) continue;
        for (let i = 0; i < inp; i++) target.data[o * inp + i] += bs * a.data[k * inp + i];
      }
    }
  }
  return merged;
}
