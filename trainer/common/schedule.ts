/**
 * Learning-rate schedule: linear warm-up, then cosine decay to `minRatio * lr` at `totalSteps`.
 */

/**
 * The learning rate at 0-based `step`.
 *
 * @example cosineLr(0, { lr: 1e-3, warmupSteps: 10, totalSteps: 100 }); // 1e-4
 */
export function cosineLr(
  step: number,
  options: { lr: number; warmupSteps: number; totalSteps: number; minRatio?: number },
): number {
  const { lr, warmupSteps, totalSteps } = options;
  const minRatio = options.minRatio ?? 0.1;
  if (step < warmupSteps) return lr * (step + 1) / warmupSteps;
  const span = Math.max(1, totalSteps - warmupSteps);
  const progress = Math.min(1, (step - warmupSteps) / span);
  return lr * (minRatio + (1 - minRatio) * 0.5 * (1 + Math.cos(Math.PI * progress)));
}
