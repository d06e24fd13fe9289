/**
 * The KL-penalty coefficient beta of PPO-for-LMs (Ziegler et al. 2019, https://arxiv.org/abs/1909.08593,
 * section 2.2), as TRL's `AdaptiveKLController` and `FixedKLController` update it.
 */

/** Settings of the controller; `adaptive: false` keeps beta fixed. */
export interface KlControllerConfig {
  adaptive: boolean;
  /** Target of the per-sequence summed KL. */
  target: number;
  /** Steps (samples) over which beta may change by a factor of about e^0.2. */
  horizon: number;
}

/**
 * The next beta: `err = clip(kl / target - 1, -0.2, 0.2)`, `beta * (1 + err * nSteps / horizon)`.
 *
 * @example updateKlCoef(0.2, { kl: 12, nSteps: 128 }, { adaptive: true, target: 6, horizon: 10000 }); // 0.2 * (1 + 0.2 * 0.0128)
 */
export function updateKlCoef(
  klCoef: number,
  observed: { kl: number; nSteps: number },
  config: KlControllerConfig,
): number {
  if (!config.adaptive) return klCoef;
  const proportionalError = Math.min(0.2, Math.max(-0.2, observed.kl / config.target - 1));
  const multiplier = 1 + proportionalError * observed.nSteps / config.horizon;
  return klCoef * multiplier;
}
