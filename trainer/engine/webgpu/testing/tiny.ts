/**
 * Shared fixtures of the webgpu model tests: 2-layer tiny configs of each family, an SFT batch with
 * padding and a masked prompt, and a few SFT steps.
 */
import { sftStep } from "../../sft/sft.ts";
import type { PackedBatch } from "../../common/batch.ts";
import { randomInts } from "../conformance/fixtures.ts";
import type { EngineModel } from "../model/model.ts";
import { createPrng } from "../random/prng.ts";
import type { ModelConfig, OptimizerConfig } from "../types.ts";

const base = { vocabSize: 97, maxSeqLen: 32, nLayer: 2, nHead: 4, nEmbd: 32, nInner: 48, normEps: 1e-5, ropeTheta: 10000 };

/** gpt2, llama (GQA), qwen2 (GQA, qkv bias, untied head) at C 32, 4 heads of 8; qwen3 (q/k norms) with 4 heads of 12. */
export const tinyConfigs: Record<ModelConfig["family"], ModelConfig> = {
  gpt2: { ...base, family: "gpt2", nKvHead: 4, qkvBias: false, tieEmbeddings: true },
  llama: { ...base, family: "llama", nKvHead: 2, qkvBias: false, tieEmbeddings: true },
  qwen2: { ...base, family: "qwen2", nKvHead: 2, qkvBias: true, tieEmbeddings: false },
  qwen3: { ...base, family: "qwen3", nKvHead: 2, headDim: 12, qkvBias: false, tieEmbeddings: true },
};

const adam: OptimizerConfig = { lr: 1e-2, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.01, maxGradNorm: 1 };

/** Right-padded rows of lengths 12, 9 and 5; the mask skips each row's first two predictions. */
export function sftBatch(seed: number): PackedBatch {
  const B = 3, T = 12, lengths = [12, 9, 5];
  const tokens = randomInts(createPrng(seed), B * T, 97);
  const mask = new Float32Array(B * (T - 1));
  lengths.forEach((len, b) => {
    for (let t = len; t < T; t++) tokens[b * T + t] = 0;
    for (let t = 2; t < len - 1; t++) mask[b * (T - 1) + t] = 1;
  });
  return { tokens, B, T, lengths, mask };
}

/** `steps` SFT steps alternating two batches; the loss and gradient norm of each. */
export async function trainSteps(model: EngineModel, steps: number): Promise<{ loss: number; gradNorm: number }[]> {
  const log: { loss: number; gradNorm: number }[] = [];
  for (let s = 0; s < steps; s++) log.push(await sftStep(model, sftBatch(100 + (s % 2)), adam));
  return log;
}
