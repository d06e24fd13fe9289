/** The LoRA fixture shared by the backend tests: a 2-layer qwen3, adapters on all seven projections, a few SFT steps. */
import { asciiTokenizer, randomInts } from "../../conformance/fixtures.ts";
import type { Backend } from "../../backend/backend.ts";
import { createPrng } from "../../../../core/random/sfc32.ts";
import type { ModelConfig } from "../../types.ts";
import { LORA_MODULES, type LoraConfig } from "../lora.ts";
import { createModel } from "../model.ts";
import type { HostTensor } from "../state_dict.ts";

const config: ModelConfig = {
  family: "qwen3", vocabSize: 97, maxSeqLen: 16, nLayer: 2, nHead: 4, nKvHead: 2, nEmbd: 16, headDim: 8, nInner: 24,
  normEps: 1e-6, ropeTheta: 10000, qkvBias: false, tieEmbeddings: true,
};
const lora: LoraConfig = { rank: 4, alpha: 8, targetModules: Object.keys(LORA_MODULES) };

/** `steps` LoRA SFT steps on `backend` from seed 4: the losses and the adapters after them. */
export async function loraRun(backend: Backend | undefined, steps: number): Promise<{ losses: number[]; adapters: Map<string, HostTensor> }> {
  const model = await createModel(config, { tokenizer: asciiTokenizer(), seed: 4, lora, backend });
  const B = 2, T = 12, count = 11 + 8;
  const batch = { tokens: randomInts(createPrng(3), B * T, 97), B, T, lengths: [12, 9] };
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const out = await model.forward(batch, { grad: true });
    losses.push(-out.logprobs.reduce((a, v) => a + v, 0) / count);
    model.zeroGrad();
    await model.backward({ logprobs: out.logprobs.map((v) => (v === 0 ? 0 : -1 / count)) });
    await model.step({ lr: 2e-2, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0, maxGradNorm: 1 });
  }
  const adapters = await model.adapterState();
  model.dispose();
  return { losses, adapters };
}
