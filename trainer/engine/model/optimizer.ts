/**
 * AdamW over all parameters with global-norm gradient clipping: the pre-clip norm ||g|| over every
 * gradient, a scale min(1, maxGradNorm / ||g||) applied inside the update, weight decay only on
 * matrices (`ParamSpec.decay`), bias-corrected moments. A non-finite norm skips the update.
 */
import type { Backend, Tensor } from "../backend/backend.ts";
import type { OptimizerConfig } from "../types.ts";
import type { ParamSpec } from "./params.ts";

/** First and second moments per parameter and the number of steps taken. */
export interface AdamState {
  m: Tensor[];
  v: Tensor[];
  step: number;
}

/** Zeroed moments for `params`. */
export function createAdamState(backend: Backend, params: Tensor[]): AdamState {
  return { m: params.map((p) => backend.alloc(p.shape)), v: params.map((p) => backend.alloc(p.shape)), step: 0 };
}

/**
 * One AdamW step; returns the gradient norm before clipping.
 *
 * @example
 * ```ts
 * const { gradNorm } = await adamwStep(backend, specs, params, grads, state, { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, maxGradNorm: 1 });
 * ```
 */
export async function adamwStep(
  backend: Backend, specs: ParamSpec[], params: Tensor[], grads: Tensor[], state: AdamState,
  options: OptimizerConfig & { stepLr?: number },
): Promise<{ gradNorm: number }> {
  const gradNorm = Math.sqrt(await backend.sumSquares(grads));
  if (!Number.isFinite(gradNorm)) return { gradNorm };
  const clip = options.maxGradNorm > 0 && Number.isFinite(options.maxGradNorm) && gradNorm > options.maxGradNorm;
  const gradScale = clip ? options.maxGradNorm / (gradNorm + 1e-6) : 1;
  state.step += 1;
  const lr = options.stepLr ?? options.lr;
  for (let i = 0; i < params.length; i++) {
    await backend.adamwUpdate(params[i], state.m[i], state.v[i], grads[i], params[i].size, {
      lr,
      beta1: options.beta1,
      beta2: options.beta2,
      eps: options.eps,
      weightDecay: specs[i].decay ? options.weightDecay : 0,
      gradScale,
      step: state.step,
    });
  }
  return { gradNorm };
}
