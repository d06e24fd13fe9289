/**
 * The step skeleton PPO and GRPO share, with their losses plugged in:
 *
 *   1. forward   old logprobs (and values) of the policy, logprobs of the frozen reference, no gradient
 *   2. prepare   the algorithm's advantages from them (PPO: KL rewards, GAE, whitening; GRPO: group-normalised
 *                rewards), which give its loss plug-in
 *   3. optimise  `epochs` passes of shuffled minibatches, each as micro-batches whose gradients add up
 *                (forward with gradient, the plug-in's loss, backward), then one optimizer step
 *
 * The plug-in may skip a minibatch (no step) or stop the optimisation (early stopping) after a micro-batch's
 * loss; what it reports is summed here and averaged by the algorithm.
 */
import type { ForwardOutput, Model, OptimizerConfig } from "../engine/types.ts";
import { gatherRows, type PackedBatch, selectRows } from "./batch.ts";
import { forwardBatch, scaled } from "./forward.ts";
import { permutation, type Rng } from "../../core/random/xoshiro128.ts";

/** The old policy's and the reference's forward pass over the whole batch, (B, T-1) each. */
export interface OldForward {
  old: { logprobs: Float32Array; values: Float32Array; entropy: Float32Array };
  ref: { logprobs: Float32Array; values: Float32Array; entropy: Float32Array };
}

/** One micro-batch as the loss sees it: its rows of the batch, the policy's forward with gradient, and `gather`. */
export interface MicroBatch {
  /** Rows of the whole batch in this micro-batch. */
  rows: number[];
  /** Those rows, packed (B rows, T tokens, mask (B, T-1)). */
  batch: PackedBatch;
  /** The policy's outputs on them, with gradient. */
  out: ForwardOutput;
  /** The micro-batch's rows of a whole-batch (B, T-1) array, at its own width. */
  gather(source: Float32Array): Float32Array;
}

/** A micro-batch's loss: gradients w.r.t. the model's outputs, statistics to sum, and whether to go on. */
export interface MicroBatchLoss {
  grads: { logprobs: Float32Array; values?: Float32Array; entropy?: Float32Array };
  /** Summed over micro-batches by key (in the order given); the algorithm averages them. */
  stats: Record<string, number>;
  /** `"skip"`: drop this minibatch, no backward and no step; `"stop"`: end the optimisation here. */
  halt?: "skip" | "stop";
}

/** An algorithm's loss, plugged into the skeleton. */
export interface LossPlugin<Shared> {
  /** Once per minibatch, before its micro-batches: what they share, and the scale of their gradients. */
  minibatch(rows: number[], microSize: number): Shared & { scale: number };
  /** The loss of one micro-batch. */
  loss(micro: MicroBatch, shared: Shared & { scale: number }): MicroBatchLoss;
}

/** The loop's settings, named as both configs name them. */
export interface StepSchedule {
  epochs: number;
  miniBatchSize: number;
  gradientAccumulationSteps: number;
  learningRate: number;
  maxGradNorm: number;
  adamEps: number;
}

/** What the skeleton hands back to the algorithm for its metrics. */
export interface PolicyStepRun<P> extends OldForward {
  /** The plug-in (and whatever else `prepare` returned with it). */
  prepared: P;
  /** Statistics summed over micro-batches, plus `gradNormKey` summed over optimizer steps. */
  sums: Record<string, number>;
  minibatches: number;
  optimizerSteps: number;
  skipped: number;
  stopped: boolean;
  /** Seconds spent in each phase. */
  seconds: { forward: number; prepare: number; optimise: number };
}

/**
 * Runs phases 1-3 on `batch`: updates `policy` in place.
 *
 * @example const run = await policyStep({ policy, reference }, batch, { schedule, rng, optimizer, gradNormKey: "ppo/grad_norm", prepare });
 */
export async function policyStep<Shared, P extends LossPlugin<Shared>>(
  models: { policy: Model; reference: Model },
  batch: PackedBatch,
  options: {
    schedule: StepSchedule;
    rng: Rng;
    optimizer: Omit<OptimizerConfig, "lr" | "maxGradNorm" | "eps">;
    /** The key under which optimizer steps' gradient norms are summed. */
    gradNormKey: string;
    prepare(forward: OldForward): P;
  },
): Promise<PolicyStepRun<P>> {
  const { policy, reference } = models;
  const { schedule, rng } = options;
  const { B } = batch;
  const width = batch.T - 1;
  const started = performance.now();

  // --- 1. forward: old logprobs and values of the policy, reference logprobs ---
  const old = await forwardBatch(policy, batch, schedule.miniBatchSize);
  const ref = await forwardBatch(reference, batch, schedule.miniBatchSize);
  const forwardDone = performance.now();

  // --- 2. prepare: the algorithm's advantages and loss ---
  const prepared = options.prepare({ old, ref });
  const prepareDone = performance.now();

  // --- 3. optimise: epochs x shuffled minibatches x micro-batches ---
  const sums: Record<string, number> = {};
  const add = (key: string, value: number) => (sums[key] = (sums[key] ?? 0) + value);
  let minibatches = 0, optimizerSteps = 0, skipped = 0, stopped = false;
  for (let epoch = 0; epoch < schedule.epochs && !stopped; epoch++) {
    const order = permutation(B, rng);
    for (let start = 0; start < B; start += schedule.miniBatchSize) {
      const rows = order.slice(start, start + schedule.miniBatchSize);
      const microSize = Math.ceil(rows.length / schedule.gradientAccumulationSteps);
      const shared = prepared.minibatch(rows, microSize);
      let halt: MicroBatchLoss["halt"];
      policy.zeroGrad();
      for (let from = 0; from < rows.length; from += microSize) {
        const part = rows.slice(from, from + microSize);
        const minibatch = selectRows(batch, part);
        const input = { tokens: minibatch.tokens, B: minibatch.B, T: minibatch.T, lengths: minibatch.lengths };
        const out = await policy.forward(input, { grad: true });
        const gather = (source: Float32Array) => gatherRows(source, { width, rows: part, outWidth: minibatch.T - 1 });
        const loss = prepared.loss({ rows: part, batch: minibatch, out, gather }, shared);
        minibatches++;
        for (const [key, value] of Object.entries(loss.stats)) add(key, value);
        halt = loss.halt;
        if (halt) break;
        const { logprobs, values, entropy } = loss.grads;
        await policy.backward({
          logprobs: scaled(logprobs, shared.scale),
          ...(values && { values: scaled(values, shared.scale) }),
          entropy: entropy && scaled(entropy, shared.scale),
        });
      }
      if (halt === "stop") {
        stopped = true;
        break;
      }
      if (halt === "skip") {
        skipped++;
        continue;
      }
      const { gradNorm } = await policy.step({
        ...options.optimizer,
        lr: schedule.learningRate,
        maxGradNorm: schedule.maxGradNorm,
        eps: schedule.adamEps,
      });
      optimizerSteps++;
      add(options.gradNormKey, gradNorm);
    }
  }
  const optimiseDone = performance.now();
  const seconds = {
    forward: (forwardDone - started) / 1000,
    prepare: (prepareDone - forwardDone) / 1000,
    optimise: (optimiseDone - prepareDone) / 1000,
  };
  return { old, ref, prepared, sums, minibatches, optimizerSteps, skipped, stopped, seconds };
}
