/**
 * AdamW (decoupled weight decay, bias-corrected moments) and the squared norm used for global clipping.
 */
import type { AdamwArgs } from "../../backend/backend.ts";
import type { Floats } from "./floats.ts";

/** Updates param (N), m (N), v (N) in place from grad (N). */
export function adamwUpdate(param: Floats, m: Floats, v: Floats, grad: Floats, N: number, args: AdamwArgs): void {
  const { lr, beta1, beta2, eps, weightDecay, gradScale, step } = args;
  const c1 = 1 - Math.pow(beta1, step), c2 = 1 - Math.pow(beta2, step);
  for (let i = 0; i < N; i++) {
    const g = grad[i] * gradScale;
    const mi = beta1 * m[i] + (1 - beta1) * g;
    const vi = beta2 * v[i] + (1 - beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    param[i] -= lr * ((mi / c1) / (Math.sqrt(vi / c2) + eps) + weightDecay * param[i]);
  }
}

/** Σ x² over x (N), accumulated in float64. */
export function sumSquares(x: Floats, N: number): number {
  let s = 0;
  for (let i = 0; i < N; i++) s += x[i] * x[i];
  return s;
}
