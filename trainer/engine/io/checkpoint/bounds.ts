/**
 * Checks a checkpoint's config.json against the weights actually present before anything is sized from it,
 * and refuses weights that are not finite.
 */
import type { ModelConfig } from "../../types.ts";
import type { TensorMap } from "../safetensors/safetensors.ts";

/** Most positions a config may declare: RoPE and attention tables are sized from it. */
export const MAX_POSITIONS = 1 << 20;

const LAYER_INDEX = /(?:^|\.)(?:layers|h)\.(\d+)\./;

/** Throws, naming the config field, when `config` declares more layers than `weights` hold or too many positions. */
export function checkConfigAgainstWeights(config: ModelConfig, weights: TensorMap): void {
  const gpt2 = config.family === "gpt2";
  let layers = 0;
  for (const name of weights.keys()) {
    const index = LAYER_INDEX.exec(name);
    if (index) layers = Math.max(layers, Number(index[1]) + 1);
  }
  if (config.nLayer > layers) {
    const field = gpt2 ? "n_layer" : "num_hidden_layers";
    throw new Error(`${field} ${config.nLayer} is more than the ${layers} layers in the weights; set it to ${layers}`);
  }
  if (config.maxSeqLen > MAX_POSITIONS) {
    const field = gpt2 ? "n_positions" : "max_position_embeddings";
    throw new Error(`${field} ${config.maxSeqLen} is over the ${MAX_POSITIONS} positions this engine supports; lower it`);
  }
}

/** Throws, naming the tensor and index, at the first NaN or infinite weight. */
export function checkFinite(weights: TensorMap): void {
  for (const [name, tensor] of weights) {
    const data = tensor.data;
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) {
        throw new Error(`weight ${name}[${i}] is ${data[i]}; the checkpoint is damaged (pass allowNonfinite / --allow-nonfinite to load it anyway)`);
      }
    }
  }
}
