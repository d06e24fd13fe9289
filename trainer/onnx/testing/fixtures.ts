/**
 * Test fixtures for the ONNX export and the transformers.js policy: small engine models of each
 * family whose weights are wide enough (normal, std 0.25) that greedy outputs vary from token to token.
 */
import { charTokenizer } from "../../../core/tokenizer/mod.ts";
import { tinyConfig } from "../../engine/model/config.ts";
import { createModel, type EngineModel } from "../../engine/model/model.ts";
import { createPrng } from "../../../core/random/sfc32.ts";
import type { TensorMap } from "../../engine/io/safetensors/safetensors.ts";
import type { ModelConfig } from "../../engine/types.ts";

/** The built-in char tokenizer every fixture uses. */
export const fixtureTokenizer = charTokenizer();

/** A two-layer config of `family` over the char tokenizer (Llama/Qwen2 with grouped-query attention). */
export function fixtureConfig(family: ModelConfig["family"]): ModelConfig {
  const base = { ...tinyConfig(fixtureTokenizer.vocabSize), nLayer: 2, maxSeqLen: 96 };
  if (family === "gpt2") return { ...base, family, nKvHead: base.nHead, nInner: 4 * base.nEmbd, qkvBias: true };
  return { ...base, family, qkvBias: family === "qwen2" };
}

/** An engine model of `config` with seeded wide weights (norm weights around 1). */
export async function fixtureModel(config: ModelConfig, seed = 1): Promise<EngineModel> {
  const model = await createModel(config, { tokenizer: fixtureTokenizer, seed });
  const weights = await model.stateDict();
  const rng = createPrng(seed + 1000);
  for (const [name, tensor] of weights) {
    const center = /norm|ln_/.test(name) && name.endsWith("weight") ? 1 : 0;
    for (let i = 0; i < tensor.data.length; i++) tensor.data[i] = center + rng.normal() * 0.25;
  }
  await model.loadStateDict(weights);
  return model;
}

/** The model's weights without the value head, as an export takes them. */
export async function fixtureWeights(model: EngineModel): Promise<TensorMap> {
  return new Map([...(await model.stateDict())].filter(([name]) => !name.startsWith("v_head.")));
}
