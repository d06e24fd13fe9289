/**
 * GRPO's objective (DeepSeekMath eq. 3) as a loss with its gradient with respect to the policy's logprobs:
 *
 *   per token  l_t = -min(r_t A, clip(r_t, 1-eps, 1+eps_high) A) + beta * KL_t - entCoef * H_t
 *   KL_t       = exp(ref_t - logp_t) - (ref_t - logp_t) - 1      (the k3 estimator, Schulman 2020, eq. 4 of the paper)
 *
 * How the per-token losses are summed is TRL's `loss_type`:
 *
 *   grpo     mean over episodes of (mean over the episode's masked-in tokens)       (the paper; favours short answers)
 *   bnpo     mean over all masked-in tokens of the micro-batch
 *   dr_grpo  sum over masked-in tokens / (B * maxCompletionLength)                 (Dr. GRPO, arXiv:2503.20783, no length bias)
 *   dapo     sum over masked-in tokens / tokens of the whole minibatch (`totalTokens`; DAPO, arXiv:2503.14476),
 *            with the asymmetric clip `epsilonHigh` ("clip-higher")
 *
 * Shapes: flat (B, T); `advantages` is one number per row.
 */

/** How per-token losses are reduced (TRL's `loss_type`). */
export type GrpoLossType = "grpo" | "bnpo" | "dr_grpo" | "dapo";

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
  /** Entropy of the policy per position; needed when `entCoef` > 0. */
  entropy?: Float32Array;
}

/** Settings of `grpoLoss`. */
export interface GrpoLossOptions {
  epsilon: number;
  /** Upper clip range (default `epsilon`). */
  epsilonHigh?: number;
  beta: number;
  entCoef?: number;
  lossType?: GrpoLossType;
  /** dr_grpo's constant length (tokens). */
  maxCompletionLength?: number;
  /** dapo's normaliser: masked-in tokens of the whole minibatch (default: this micro-batch's). */
  totalTokens?: number;
}

/** Loss, statistics and dL/dlogprobs (and dL/dentropy with an entropy bonus). */
export interface GrpoLossOutput {
  loss: number;
  /** Mean per-token k3 KL to the reference. */
  kl: number;
  /** Fraction of tokens whose ratio was clipped. */
  clipfrac: number;
  ratioMean: number;
  /** Mean entropy of masked-in tokens (0 without entropy input). */
  entropy: number;
  grads: { logprobs: Float32Array; entropy?: Float32Array };
}

/**
 * Computes the GRPO loss and its gradient for one minibatch.
 *
 * @example const { loss, grads } = grpoLoss(input, { epsilon: 0.2, beta: 0.04 });
 */
export function grpoLoss(input: GrpoLossInput, options: GrpoLossOptions): GrpoLossOutput {
  const { logprobs, oldLogprobs, refLogprobs, advantages, mask, B, T, entropy } = input;
  const { epsilon, beta } = options;
  const epsilonHigh = options.epsilonHigh ?? epsilon;
  const entCoef = options.entCoef ?? 0;
  if (entCoef !== 0 && !entropy) throw new Error("grpoLoss: entCoef > 0 needs the forward's entropy in the input");
  const grad = new Float32Array(B * T);
  const gradEntropy = entCoef !== 0 ? new Float32Array(B * T) : undefined;
  let loss = 0;
  let klSum = 0;
  let entropySum = 0;
  let clipped = 0;
  let ratioSum = 0;
  let tokens = 0;
  const counts = Array.from({ length: B }, (_, b) => mask.subarray(b * T, (b + 1) * T).reduce((a, m) => a + m, 0));
  const weights = tokenWeights(counts, options);
  for (let b = 0; b < B; b++) {
    if (counts[b] === 0) continue;
    const weight = weights[b];
    const advantage = advantages[b];
    for (let t = 0; t < T; t++) {
      const i = b * T + t;
      if (mask[i] === 0) continue;
      const ratio = Math.exp(logprobs[i] - oldLogprobs[i]);
      const clippedRatio = Math.min(1 + epsilonHigh, Math.max(1 - epsilon, ratio));
      const surrogate1 = ratio * advantage;
      const surrogate2 = clippedRatio * advantage;
      const surrogate = Math.min(surrogate1, surrogate2);
      const refMinusLogp = refLogprobs[i] - logprobs[i];
      const kl = Math.exp(refMinusLogp) - refMinusLogp - 1;
      const tokenEntropy = entropy ? entropy[i] : 0;
      loss += weight * (-surrogate + beta * kl - entCoef * tokenEntropy);
      // d(-min)/dlogp = -r A on the unclipped branch, 0 on the flat clipped branch; d(k3)/dlogp = 1 - exp(ref - logp)
      const surrogateGrad = surrogate1 <= surrogate2 ? -surrogate1 : 0;
      grad[i] = weight * (surrogateGrad + beta * (1 - Math.exp(refMinusLogp)));
      if (gradEntropy) gradEntropy[i] = -entCoef * weight;
      klSum += kl;
      entropySum += tokenEntropy;
      clipped += surrogate2 < surrogate1 ? 1 : 0;
      ratioSum += ratio;
      tokens++;
    }
  }
  const perToken = (x: number) => (tokens === 0 ? 0 : x / tokens);
  return {
    loss,
    kl: perToken(klSum),
    clipfrac: perToken(clipped),
    ratioMean: perToken(ratioSum),
    entropy: perToken(entropySum),
    grads: { logprobs: grad, entropy: gradEntropy },
  };
}

/** The weight of each token of row b under the loss type (rows without tokens get 0). */
function tokenWeights(counts: number[], options: GrpoLossOptions): number[] {
  const lossType = options.lossType ?? "grpo";
  const tokens = counts.reduce((a, c) => a + c, 0);
  const rows = counts.filter((count) => count > 0).length;
  return counts.map((count) => {
    if (count === 0) return 0;
    if (lossType === "grpo") return 1 / (count * rows); // mean over the row, then over rows
    if (lossType === "bnpo") return 1 / tokens;
    if (lossType === "dapo") return 1 / (options.totalTokens ?? tokens);
    const length = options.maxCompletionLength;
    if (!(length !== undefined && length > 0)) throw new Error(`grpoLoss: dr_grpo needs maxCompletionLength > 0, got ${length}`);
    return 1 / (counts.length * length);
  });
}
