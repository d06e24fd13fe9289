/**
 * Supervised fine-tuning on demonstration episodes: cross-entropy on model tokens only.
 * The mask keeps prompt and tool-output tokens out of the loss, so the model learns to write calls and
 * answers but never to predict what a tool will return.
 */
import type { Model, OptimizerConfig } from "../engine/types.ts";
import { type PackableEpisode, packEpisodes, type PackedBatch } from "../common/batch.ts";
import { permutation, type Rng } from "../../core/random/xoshiro128.ts";
import { cosineLr } from "../common/schedule.ts";
import type { SftConfig } from "./config.ts";
import { nextMacrotask } from "../../core/runtime/mod.ts";

/**
 * Mean negative log-likelihood over masked-in positions and its gradient with respect to the logprobs.
 *
 * @example sftLoss(new Float32Array([-1, -3]), new Float32Array([1, 0])); // { loss: 1, ... }
 */
export function sftLoss(
  logprobs: Float32Array,
  mask: Float32Array,
): { loss: number; tokens: number; grads: { logprobs: Float32Array } } {
  let tokens = 0;
  for (let i = 0; i < mask.length; i++) tokens += mask[i];
  const grad = new Float32Array(logprobs.length);
  let loss = 0;
  if (tokens > 0) {
    for (let i = 0; i < logprobs.length; i++) {
      if (mask[i] === 0) continue;
      loss -= logprobs[i] * mask[i] / tokens;
      grad[i] = -mask[i] / tokens;
    }
  }
  return { loss, tokens, grads: { logprobs: grad } };
}

/**
 * One SFT step on a packed batch: forward, masked cross-entropy, backward, AdamW step.
 *
 * @example const { loss } = await sftStep(model, batch, { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, maxGradNorm: 1 });
 */
export async function sftStep(
  model: Model,
  batch: PackedBatch,
  optimizer: OptimizerConfig,
): Promise<{ loss: number; tokens: number; gradNorm: number }> {
  const out = await model.forward(
    { tokens: batch.tokens, B: batch.B, T: batch.T, lengths: batch.lengths },
    { grad: true },
  );
  const { loss, tokens, grads } = sftLoss(out.logprobs, batch.mask);
  model.zeroGrad();
  await model.backward({ logprobs: grads.logprobs });
  const { gradNorm } = await model.step(optimizer);
  return { loss, tokens, gradNorm };
}

/** What `runSft` reports after each step. */
export interface SftProgress {
  step: number;
  steps: number;
  loss: number;
  lr: number;
  tokens: number;
  gradNorm: number;
}

/**
 * The SFT warm-up: `config.steps` steps over shuffled demonstrations (reshuffled each pass).
 *
 * @example await runSft(model, demonstrations, { config, rng, includeToolTokens: false, onStep: (p) => log(p) });
 */
export async function runSft(
  model: Model,
  demonstrations: readonly PackableEpisode[],
  options: {
    config: SftConfig;
    rng: Rng;
    /** The mask ablation: train on tool-output tokens too. */
    includeToolTokens?: boolean;
    onStep?: (progress: SftProgress) => void;
  },
): Promise<{ finalLoss: number }> {
  const { config, rng } = options;
  if (demonstrations.length === 0) throw new Error("SFT needs at least one demonstration episode; got none.");
  let order: number[] = [];
  let cursor = 0;
  let finalLoss = NaN;
  for (let step = 0; step < config.steps; step++) {
    const rows: PackableEpisode[] = [];
    while (rows.length < Math.min(config.batchSize, demonstrations.length)) {
      if (cursor >= order.length) {
        order = permutation(demonstrations.length, rng);
        cursor = 0;
      }
      rows.push(demonstrations[order[cursor++]]);
    }
    const batch = packEpisodes(rows, {
      padId: model.tokenizer.padId,
      maxSeqLen: model.config.maxSeqLen,
      includeToolTokens: options.includeToolTokens,
    });
    const lr = cosineLr(step, { lr: config.learningRate, warmupSteps: config.warmupSteps, totalSteps: config.steps });
    const result = await sftStep(model, batch, {
      lr,
      beta1: 0.9,
      beta2: 0.999,
      eps: 1e-8,
      weightDecay: config.weightDecay,
      maxGradNorm: config.maxGradNorm,
    });
    finalLoss = result.loss;
    options.onStep?.({ step: step + 1, steps: config.steps, lr, ...result });
    // A turn of the event loop after each step: an engine whose ops settle as promises alone never reaches the
    // timers and I/O phases, so Ctrl-C (a SIGINT handler) and timers would wait until the whole warm-up ends.
    // (Not setTimeout(0): it waits ~1 ms on Node, ~2 ms on Deno, 3-6% of a step of npm start's SFT.)
    await nextMacrotask();
  }
  return { finalLoss };
}
