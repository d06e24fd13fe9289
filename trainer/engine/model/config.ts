/**
 * Model configurations: the built-in tiny default and a validator that names what is wrong.
 */
import type { ModelConfig } from "../types.ts";

/**
 * The built-in default: a 4-layer Llama-family model, C 64, 4 query heads over 2 key/value heads
 * (head size 16), SwiGLU hidden 176, 256 positions, tied embeddings.
 * Why: RoPE lets it copy numbers from anywhere in the prompt without learning 256 position vectors;
 * four layers give copy (induction) circuits room beside the format; a narrow C keeps each
 * matmul cheap on 2 cores (about 0.2 M multiply-adds per token); GQA halves the k/v work.
 *
 * @example
 * ```ts
 * const config = tinyConfig(tokenizer.vocabSize);
 * ```
 */
export function tinyConfig(vocabSize: number): ModelConfig {
  return {
    family: "llama",
    vocabSize,
    maxSeqLen: 256,
    nLayer: 4,
    nHead: 4,
    nKvHead: 2,
    nEmbd: 64,
    nInner: 176,
    normEps: 1e-5,
    ropeTheta: 10000,
    qkvBias: false,
    tieEmbeddings: true,
  };
}

/** Head size hs: `headDim` when the config sets it, else C / NH. */
export function headSize(config: ModelConfig): number {
  return config.headDim ?? config.nEmbd / config.nHead;
}

/**
 * Checks a configuration and returns it; throws naming the first field that is wrong.
 *
 * @example
 * ```ts
 * validateConfig({ ...tinyConfig(100), nHead: 3 }); // throws: nEmbd 64 is not divisible by nHead 3
 * ```
 */
export function validateConfig(config: ModelConfig): ModelConfig {
  const fail = (message: string): never => {
    throw new Error(`Invalid model config: ${message} (config ${JSON.stringify(config)})`);
  };
  if (!["gpt2", "llama", "qwen2", "qwen3"].includes(config.family)) {
    fail(`family "${config.family}" must be "gpt2", "llama", "qwen2" or "qwen3"`);
  }
  for (const key of ["vocabSize", "maxSeqLen", "nLayer", "nHead", "nKvHead", "nEmbd", "nInner"] as const) {
    if (!Number.isInteger(config[key]) || config[key] < 1) fail(`${key} ${config[key]} must be a positive integer`);
  }
  if (config.headDim !== undefined) {
    if (config.family === "gpt2") fail(`gpt2 has no headDim setting, got ${config.headDim}`);
    if (!Number.isInteger(config.headDim) || config.headDim < 1) fail(`headDim ${config.headDim} must be a positive integer`);
  } else if (config.nEmbd % config.nHead !== 0) fail(`nEmbd ${config.nEmbd} is not divisible by nHead ${config.nHead}`);
  if (config.family === "qwen3" && config.qkvBias) fail("qwen3 has no q/k/v-only bias, so qkvBias must be false");
  if (config.nHead % config.nKvHead !== 0) fail(`nHead ${config.nHead} is not divisible by nKvHead ${config.nKvHead}`);
  if (config.family === "gpt2" && config.nKvHead !== config.nHead) {
    fail(`gpt2 has no grouped-query attention: nKvHead ${config.nKvHead} must equal nHead ${config.nHead}`);
  }
  if (config.family !== "gpt2" && headSize(config) % 2 !== 0) fail(`RoPE needs an even head size, got ${headSize(config)}`);
  if (!(config.normEps > 0)) fail(`normEps ${config.normEps} must be positive`);
  if (config.family !== "gpt2" && !(config.ropeTheta > 0)) fail(`ropeTheta ${config.ropeTheta} must be positive`);
  const scaling = config.ropeScaling;
  if (scaling) {
    if (config.family === "gpt2") fail("gpt2 has no RoPE, so ropeScaling must be null");
    if (scaling.type !== "llama3") fail(`ropeScaling.type ${JSON.stringify(scaling.type)} must be "llama3"`);
    if (!(scaling.factor > 0)) fail(`ropeScaling.factor ${scaling.factor} must be positive`);
    if (!(scaling.lowFreqFactor > 0 && scaling.highFreqFactor > scaling.lowFreqFactor)) {
      fail(`ropeScaling needs 0 < lowFreqFactor < highFreqFactor, got ${scaling.lowFreqFactor} and ${scaling.highFreqFactor}`);
    }
    if (!(scaling.originalMaxPositionEmbeddings > 0)) {
      fail(`ropeScaling.originalMaxPositionEmbeddings ${scaling.originalMaxPositionEmbeddings} must be positive`);
    }
  }
  return config;
}
