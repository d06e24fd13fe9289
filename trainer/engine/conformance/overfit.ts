/**
 * The end-to-end check every backend runs: a 2-layer model of a family memorises one tiny batch of
 * random tokens with AdamW, so forward, backward and the optimizer must all be right together.
 */
import type { Backend } from "../backend/backend.ts";
import { createModel } from "../model/model.ts";
import { createPrng } from "../../../core/random/sfc32.ts";
import type { ModelConfig } from "../types.ts";
import { asciiTokenizer, randomInts } from "./fixtures.ts";

/** Mean next-token loss before and after training, per step. */
export interface OverfitResult {
  losses: number[];
}

/**
 * Trains a 2-layer, C 32 model of `family` on 4 random rows of 16 tokens (one row padded to 11)
 * for `steps` AdamW steps (lr 1e-2); returns the mean negative logprob at each step.
 *
 * @example
 * ```ts
 * const { losses } = await overfitTinyBatch(backend, "gpt2", 50); // losses.at(-1) < 0.05
 * ```
 */
export async function overfitTinyBatch(backend: Backend, family: ModelConfig["family"], steps: number): Promise<OverfitResult> {
  const tokenizer = asciiTokenizer();
  const config: ModelConfig = {
    family, vocabSize: tokenizer.vocabSize, maxSeqLen: 16, nLayer: 2, nHead: 4,
    nKvHead: family === "gpt2" ? 4 : 2, nEmbd: 32, nInner: family === "gpt2" ? 128 : 88,
    normEps: 1e-5, ropeTheta: 10000, qkvBias: family === "qwen2", tieEmbeddings: family !== "qwen2",
    ...(family === "qwen3" ? { headDim: 12 } : {}),
  };
  const model = await createModel(config, { tokenizer, backend, seed: 1 });
  const B = 4, T = 16, lengths = [16, 16, 11, 16];
  const tokens = randomInts(createPrng(2), B * T, tokenizer.vocabSize);
  const valid = lengths.reduce((a, len) => a + len - 1, 0);
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const out = await model.forward({ tokens, B, T, lengths }, { grad: true });
    losses.push(-out.logprobs.reduce((a, v) => a + v, 0) / valid);
    model.zeroGrad();
    await model.backward({ logprobs: new Float32Array(B * (T - 1)).fill(-1 / valid) });
    await model.step({ lr: 1e-2, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0, maxGradNorm: 1 });
  }
  model.dispose();
  return { losses };
}
