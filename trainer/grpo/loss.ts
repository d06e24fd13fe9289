/**
 * GRPO's objective (DeepSeekMath eq. 3) as a loss with its gradient with respect to the policy's logprobs:
 *
 *   per token  l_t = -min(r_t A, clip(r_t, 1-eps, 1+eps) A) + beta * KL_t
 *   KL_t       = exp(ref_t - logp_t) - (ref_t - logp_t) - 1      (the k3 estimator, Schulman 2020, eq. 4 of the paper)
 *   loss       = mean over episodes of (mean over the episode's masked-in tokens of l_t)
 *
 * Shapes: flat (B, T); `advantages` is one number per row.
 */

/** Inputs of `grpoLoss`. */
export interface GrpoLossInput {
  logprobs: Float32Array;
  oldLogprobs: Float32Array;
  refLogprobs: Float32Array;
  /** (B): one advantage per episode. */
  advantages: ArrayLike<number>;
  mask: Float32Array;
  B: number;
  T: number;
}

/** Loss, statistics and dL/dlogprobs. */
export interface GrpoLossOutput {
  loss: number;
  /** Mean per-token k3 KL to the reference. */
  kl: number;
  /** Fraction of tokens whose ratio was clipped. */
  clipfrac: number;
  ratioMean: number;
  grads: { logprobs: Float32Array };
}

/**
 * Computes the GRPO loss and its gradient for one minibatch.
 *
 * @example const { loss, grads } = grpoLoss(input, { epsilon: 0.2, beta: 0.04 });
 */
export function grpoLoss(input: GrpoLossInput, options: { epsilon: number; beta: number }): GrpoLossOutput {
  const { logprobs, oldLogprobs, refLogprobs, advantages, mask, B, T } = input;
  const { epsilon, beta } = options;
  const grad = new Float32Array(B * T);
  let loss = 0;
  let klSum = 0;
  let clipped = 0;
  let ratioSum = 0;
  let tokens = 0;
  const counts = Array.from({ length: B }, (_, b) => mask.subarray(b * T, (b + 1) * T).reduce((a, m) => a + m, 0));
  const rowsWithTokens = counts.filter((count) => count > 0).length;
  for (let b = 0; b < B; b++) {
    const count = counts[b];
    if (count === 0) continue;
    const weight = 1 / (count * rowsWithTokens); // mean over the row, then over rows
    const advantage = advantages[b];
    for (let t = 0; t < T; t++) {
      const i = b * T + t;
      if (mask[i] === 0) continue;
      const ratio = Math.exp(logprobs[i] - oldLogprobs[i]);
      const clippedRatio = Math.min(1 + epsilon, Math.max(1 - epsilon, ratio));
      const surrogate1 = ratio * advantage;
      const surrogate2 = clippedRatio * advantage;
      const surrogate = Math.min(surrogate1, surrogate2);
      const refMinusLogp = refLogprobs[i] - logprobs[i];
      const kl = Math.exp(refMinusLogp) - refMinusLogp - 1;
      loss += weight * (-surrogate + beta * kl);
      // d(-min)/dlogp = -r A on the unclipped branch, 0 on the flat clipped branch; d(k3)/dlogp = 1 - exp(ref - logp)
      const surrogateGrad = surrogate1 <= surrogate2 ? -surrogate1 : 0;
      grad[i] = weight * (surrogateGrad + beta * (1 - Math.exp(refMinusLogp)));
      klSum += kl;
      clipped += surrogate2 < surrogate1 ? 1 : 0;
      ratioSum += ratio;
      tokens++;
    }
  }
  const perToken = (x: number) => (tokens === 0 ? 0 : x / tokens);
  return { loss, kl: perToken(klSum), clipfrac: perToken(clipped), ratioMean: perToken(ratioSum), grads: { logprobs: grad } };
}
