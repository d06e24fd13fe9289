/**
 * Test helpers shared by the io tests: tiny configs of each family and deterministic weight maps
 * built from `expectedTensors`.
 */
import type { ModelConfig } from "../../../types.ts";
import type { TensorMap } from "../../safetensors/safetensors.ts";
import { expectedTensors } from "../expected_tensors.ts";

/** Tiny configs, one per family (Llama with grouped-query attention and an untied head; Qwen3 with head size 6 ≠ C / NH). */
export const tinyConfigs: Record<ModelConfig["family"], ModelConfig> = {
  gpt2: {
    family: "gpt2", vocabSize: 11, maxSeqLen: 6, nLayer: 2, nHead: 2, nKvHead: 2, nEmbd: 4, nInner: 16,
    normEps: 1e-5, ropeTheta: 10000, qkvBias: true, tieEmbeddings: true,
  },
  llama: {
    family: "llama", vocabSize: 13, maxSeqLen: 8, nLayer: 2, nHead: 4, nKvHead: 2, nEmbd: 8, nInner: 12,
    normEps: 1e-6, ropeTheta: 500000, qkvBias: false, tieEmbeddings: false,
  },
  qwen2: {
    family: "qwen2", vocabSize: 9, maxSeqLen: 5, nLayer: 1, nHead: 2, nKvHead: 1, nEmbd: 4, nInner: 6,
    normEps: 1e-6, ropeTheta: 1000000, qkvBias: true, tieEmbeddings: true,
  },
  qwen3: {
    family: "qwen3", vocabSize: 10, maxSeqLen: 6, nLayer: 2, nHead: 2, nKvHead: 1, nEmbd: 8, headDim: 6, nInner: 6,
    normEps: 1e-6, ropeTheta: 1000000, qkvBias: false, tieEmbeddings: true,
  },
};

/** A weight map with every expected tensor filled from a seeded generator (distinct values per tensor). */
export function randomWeights(config: ModelConfig, options: { seed?: number; valueHead?: boolean } = {}): TensorMap {
  let s = (options.seed ?? 1) >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  const map: TensorMap = new Map();
  for (const { name, shape } of expectedTensors(config, { valueHead: options.valueHead })) {
    const data = new Float32Array(shape.reduce((n, d) => n * d, 1)).map(next);
    map.set(name, { shape, data });
  }
  return map;
}

/** Bit patterns of a Float32Array, so that -0 and 0 differ. */
export function bitsOf(data: Float32Array): number[] {
  return Array.from(new Uint32Array(data.buffer, data.byteOffset, data.length));
}
