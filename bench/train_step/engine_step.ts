/**
 * The engine's side of the training-step benchmark: the benchmark's model configurations, a seeded
 * batch, and one full step (zeroGrad, forward with grad, backward of the mean next-token cross-entropy,
 * AdamW with global-norm clipping) on a given backend.
 *
 * Shapes: B batch, T time, C channels, L layers, V vocabulary.
 */
import { charTokenizer } from "../../core/tokenizer/mod.ts";
import type { Backend } from "../../trainer/engine/backend/backend.ts";
import { encodeSafetensors } from "../../trainer/engine/io/safetensors/safetensors.ts";
import { tinyConfig } from "../../trainer/engine/model/config.ts";
import { createModel, type EngineModel } from "../../trainer/engine/model/model.ts";
import { createPrng } from "../../core/random/sfc32.ts";
import type { ModelConfig, OptimizerConfig } from "../../trainer/engine/types.ts";
import { presetFor } from "../../trainer/run/presets.ts";

/** A model configuration and the batch it is stepped on. */
export interface StepConfig {
  name: string;
  config: ModelConfig;
  B: number;
  T: number;
}

/** The optimizer settings of both sides (decay on matrices only, clipping at 1). */
export const STEP_OPTIMIZER: OptimizerConfig = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, maxGradNorm: 1 };

/** A Llama-family config with head size 64, half as many key/value heads, MLP hidden 2.75·C. */
function llama(C: number, L: number, V: number, T: number): ModelConfig {
  const nHead = C / 64;
  return { ...tinyConfig(V), maxSeqLen: T, nLayer: L, nEmbd: C, nHead, nKvHead: Math.max(1, nHead / 2), nInner: (C * 11) / 4 };
}

/**
 * The benchmark's configurations: the train preset's model (tiny with the preset's layers and heads,
 * at the SFT batch of 32), the built-in tiny model, and two larger Llama-family models.
 *
 * @example
 * ```ts
 * stepConfigs(false).map((c) => c.name); // ["preset C64 L2 NH8 (B32xT128)", ...]
 * ```
 */
export function stepConfigs(quick: boolean): StepConfig[] {
  const vocab = charTokenizer().vocabSize;
  const preset = (presetFor("calculator").model ?? {}) as Partial<ModelConfig>;
  const presetConfig = { ...tinyConfig(vocab), ...preset };
  if (quick) return [{ name: `preset C64 L${presetConfig.nLayer} NH${presetConfig.nHead} (B4xT32)`, config: presetConfig, B: 4, T: 32 }];
  return [
    { name: `preset C64 L${presetConfig.nLayer} NH${presetConfig.nHead} (B32xT128)`, config: presetConfig, B: 32, T: 128 },
    { name: "tiny C64 L4 (B16xT128)", config: tinyConfig(vocab), B: 16, T: 128 },
    { name: "C256 L4 V2048 (B8xT256)", config: llama(256, 4, 2048, 256), B: 8, T: 256 },
    { name: "C768 L2 V8192 (B4xT128)", config: llama(768, 2, 8192, 128), B: 4, T: 128 },
  ];
}

/** The engine's model for a config, its batch, and one training step. */
export interface EngineStep {
  model: EngineModel;
  tokens: Int32Array;
  /** The model's initial weights, HF names, as a safetensors file. */
  safetensors: Uint8Array;
  /** One full step; returns the mean cross-entropy of the forward before the update. */
  step(): Promise<number>;
}

/**
 * A model with seeded random weights on `backend` and a seeded random batch of `config`'s shape.
 *
 * @example
 * ```ts
 * const engine = await engineStep(stepConfigs(false)[0], backend);
 * const loss = await engine.step();
 * ```
 */
export async function engineStep(
  c: StepConfig, backend: Backend, options: { seed?: number; phase?: (name: string) => void } = {},
): Promise<EngineStep> {
  const { seed = 1, phase = () => {} } = options;
  const tokenizer = charTokenizer();
  const model = await createModel(c.config, { tokenizer, backend, seed });
  const rng = createPrng(seed, 7);
  const tokens = Int32Array.from({ length: c.B * c.T }, () => Math.floor(rng.next() * c.config.vocabSize));
  const safetensors = encodeSafetensors(await model.stateDict());
  const count = c.B * (c.T - 1);
  const dlogprobs = new Float32Array(count).fill(-1 / count);
  const step = async () => {
    phase("zero grad");
    model.zeroGrad();
    phase("forward");
    const { logprobs } = await model.forward({ tokens, B: c.B, T: c.T }, { grad: true });
    phase("backward");
    await model.backward({ logprobs: dlogprobs });
    phase("adamw");
    await model.step(STEP_OPTIMIZER);
    phase("other");
    return -logprobs.reduce((a, b) => a + b, 0) / count;
  };
  return { model, tokens, safetensors, step };
}
