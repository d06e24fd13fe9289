/**
 * Shared fixtures of the webgpu model tests: 2-layer tiny configs of each family, an SFT-like batch with
 * padding and a masked prompt, and a few training steps on it. Engine-only (the engine sits below
 * trainer/common and the algorithms): the step is the masked mean NLL that `sftStep` computes, written here.
 */
import { randomInts } from "../../conformance/fixtures.ts";
import type { EngineModel } from "../../model/model.ts";
import { createPrng } from "../../../../core/random/sfc32.ts";
import type { ModelConfig, OptimizerConfig } from "../../types.ts";

const base = { vocabSize: 97, maxSeqLen: 32, nLayer: 2, nHead: 4, nEmbd: 32, nInner: 48, normEps: 1e-5, ropeTheta: 10000 };

/** gpt2, llama (GQA), qwen2 (GQA, qkv bias, untied head) at C 32, 4 heads of 8; qwen3 (q/k norms) with 4 heads of 12. */
export const tinyConfigs: Record<ModelConfig["family"], ModelConfig> = {
  gpt2: { ...base, family: "gpt2", nKvHead: 4, qkvBias: false, tieEmbeddings: true },
  llama: { ...base, family: "llama", nKvHead: 2, qkvBias: false, tieEmbeddings: true },
  qwen2: { ...base, family: "qwen2", nKvHead: 2, qkvBias: true, tieEmbeddings: false },
  qwen3: { ...base, family: "qwen3", nKvHead: 2, headDim: 12, qkvBias: false, tieEmbeddings: true },
};

const adam: OptimizerConfig = { lr: 1e-2, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.01, maxGradNorm: 1 };

/** A right-padded (B, T) batch and its (B, T-1) loss mask. */
export interface TinyBatch {
  tokens: Int32Array;
  B: number;
  T: number;
  lengths: number[];
  mask: Float32Array;
}

/** Right-padded rows of lengths 12, 9 and 5; the mask skips each row's first two predictions. */
export function sftBatch(seed: number): TinyBatch {
  const B = 3, T = 12, lengths = [12, 9, 5];
  const tokens = randomInts(createPrng(seed), B * T, 97);
  const mask = new Float32Array(B * (T - 1));
  lengths.forEach((len, b) => {
    for (let t = len; t < T; t++) tokens[b * T + t] = 0;
    for (let t = 2; t < len - 1; t++) mask[b * (T - 1) + t] = 1;
  });
  return { tokens, B, T, lengths, mask };
}

/** One step: forward, mean negative logprob over the masked-in positions, backward, AdamW. */
async function maskedNllStep(model: EngineModel, batch: TinyBatch): Promise<{ loss: number; gradNorm: number }> {
  const out = await model.forward({ tokens: batch.tokens, B: batch.B, T: batch.T, lengths: batch.lengths }, { grad: true });
  const count = batch.mask.reduce((a, m) => a + m, 0);
  const grad = new Float32Array(out.logprobs.length);
  let loss = 0;
  for (let i = 0; i < batch.mask.length; i++) {
    if (batch.mask[i] === 0) continue;
    loss -= out.logprobs[i] * batch.mask[i] / count;
    grad[i] = -batch.mask[i] / count;
  }
  model.zeroGrad();
  await model.backward({ logprobs: grad });
  const { gradNorm } = await model.step(adam);
  return { loss, gradNorm };
}

/** `steps` training steps alternating two batches; the loss and gradient norm of each. */
export async function trainSteps(model: EngineModel, steps: number): Promise<{ loss: number; gradNorm: number }[]> {
  const log: { loss: number; gradNorm: number }[] = [];
  for (let s = 0; s < steps; s++) log.push(await maskedNllStep(model, sftBatch(100 + (s % 2))));
  return log;
}
