/**
 * PPO's clipped surrogate and clipped value losses (Schulman et al. 2017, https://arxiv.org/abs/1707.06347,
 * eq. 7 and 9; TRL `PPOTrainer.loss`), with their gradients with respect to the model's outputs, because the
 * engine has no autograd: it takes dL/dlogprobs and dL/dvalues and runs its own backward.
 *
 * Every quantity is a masked mean over positions where `mask` is 1 (model tokens in the response).
 * Shapes: flat (B, T).
 */
import { maskedMean } from "../common/whiten.ts";

/** What the loss needs, all (B, T). "old" arrays come from the rollout's forward pass, before any update. */
export interface PpoLossInput {
  logprobs: Float32Array;
  oldLogprobs: Float32Array;
  values: Float32Array;
  oldValues: Float32Array;
  advantages: Float32Array;
  returns: Float32Array;
  mask: Float32Array;
  /** Entropy of the policy at each position; needed when `entCoef` > 0. */
  entropy?: Float32Array;
}

/** Loss values, TRL-style statistics, and the gradients to hand to `model.backward`. */
export interface PpoLossOutput {
  policyLoss: number;
  valueLoss: number;
  /** Masked mean entropy of the policy (0 when no entropy was given). */
  entropyBonus: number;
  /** `policyLoss + vfCoef * valueLoss - entCoef * entropyBonus`. */
  totalLoss: number;
  stats: {
    approxkl: number;
    policykl: number;
    clipfrac: number;
    ratioMean: number;
    vpred: number;
    valueError: number;
    valueClipfrac: number;
  };
  grads: { logprobs: Float32Array; values: Float32Array; entropy?: Float32Array };
}

/**
 * Computes PPO's losses and gradients for one minibatch.
 *
 * @example const out = ppoLoss(input, { cliprange: 0.2, cliprangeValue: 0.2, vfCoef: 0.1 }); out.grads.logprobs;
 */
export function ppoLoss(
  input: PpoLossInput,
  options: { cliprange: number; cliprangeValue: number; vfCoef: number; entCoef?: number },
): PpoLossOutput {
  const { logprobs, oldLogprobs, values, oldValues, advantages, returns, mask, entropy } = input;
  const { cliprange, cliprangeValue, vfCoef } = options;
  const entCoef = options.entCoef ?? 0;
  if (entCoef !== 0 && !entropy) throw new Error("ppoLoss: entCoef > 0 needs the forward's entropy in the input");
  const n = logprobs.length;
  let count = 0;
  for (let i = 0; i < n; i++) count += mask[i];
  const norm = count === 0 ? 0 : 1 / count;

  const gradLogprobs = new Float32Array(n);
  const gradValues = new Float32Array(n);
  const ratios = new Float32Array(n);
  const pgLosses = new Float32Array(n);
  const pgClipped = new Float32Array(n);
  const vfLosses = new Float32Array(n);
  const vfClipped = new Float32Array(n);
  const squaredErrors = new Float32Array(n);
  const logratioSquared = new Float32Array(n);
  const negLogratio = new Float32Array(n);

  for (let i = 0; i < n; i++) {
    if (mask[i] === 0) continue;
    // --- policy: L^CLIP = max(-A r, -A clip(r, 1-eps, 1+eps)), r = exp(logp - logp_old) ---
    const logratio = logprobs[i] - oldLogprobs[i];
    const ratio = Math.exp(logratio);
    const clippedRatio = Math.min(1 + cliprange, Math.max(1 - cliprange, ratio));
    const pgLoss1 = -advantages[i] * ratio;
    const pgLoss2 = -advantages[i] * clippedRatio;
    const pgLoss = Math.max(pgLoss1, pgLoss2);
    // d/dlogp of -A r is -A r; the clipped branch is flat unless r lies inside the clip range, where both agree
    const pgGrad = pgLoss1 >= pgLoss2 ? -advantages[i] * ratio : 0;

    // --- value: 0.5 max((v - R)^2, (clip(v, v_old - eps, v_old + eps) - R)^2) ---
    const value = values[i];
    const valueClippedPred = Math.min(oldValues[i] + cliprangeValue, Math.max(oldValues[i] - cliprangeValue, value));
    const vfLoss1 = (value - returns[i]) ** 2;
    const vfLoss2 = (valueClippedPred - returns[i]) ** 2;
    const vfLoss = Math.max(vfLoss1, vfLoss2);
    // the clipped branch wins only when v lies outside the clip range, where it is flat in v
    const vfGrad = vfLoss1 >= vfLoss2 ? value - returns[i] : 0;

    ratios[i] = ratio;
    pgLosses[i] = pgLoss;
    pgClipped[i] = pgLoss2 > pgLoss1 ? 1 : 0;
    vfLosses[i] = vfLoss;
    vfClipped[i] = vfLoss2 > vfLoss1 ? 1 : 0;
    squaredErrors[i] = vfLoss1;
    logratioSquared[i] = logratio * logratio;
    negLogratio[i] = -logratio;
    gradLogprobs[i] = pgGrad * norm;
    gradValues[i] = vfCoef * vfGrad * norm; // d/dv of vfCoef * 0.5 * mean(...)
  }

  const policyLoss = maskedMean(pgLosses, mask);
  const valueLoss = 0.5 * maskedMean(vfLosses, mask);
  // --- entropy bonus: -entCoef * mean entropy, so d/dH = -entCoef / n on model positions ---
  const entropyBonus = entropy ? maskedMean(entropy, mask) : 0;
  let gradEntropy: Float32Array | undefined;
  if (entCoef !== 0) {
    gradEntropy = new Float32Array(n);
    for (let i = 0; i < n; i++) gradEntropy[i] = mask[i] === 0 ? 0 : -entCoef * norm;
  }
  return {
    policyLoss,
    valueLoss,
    entropyBonus,
    totalLoss: policyLoss + vfCoef * valueLoss - entCoef * entropyBonus,
    stats: {
      approxkl: 0.5 * maskedMean(logratioSquared, mask),
      policykl: maskedMean(negLogratio, mask),
      clipfrac: maskedMean(pgClipped, mask),
      ratioMean: maskedMean(ratios, mask),
      vpred: maskedMean(values, mask),
      valueError: maskedMean(squaredErrors, mask),
      valueClipfrac: maskedMean(vfClipped, mask),
    },
    grads: { logprobs: gradLogprobs, values: gradValues, entropy: gradEntropy },
  };
}
