/**
 * Per-token rewards of PPO-for-LMs (Ziegler et al. 2019, eq. 2; TRL `compute_rewards`):
 * `r_t = -beta * penalty(logp_t - ref_logp_t)` on every model position, plus the episode's score on its
 * last model position. Shapes: (B, T) flat, T being the forward's T-1.
 *
 * The penalty kinds are TRL's `kl_penalty`: "kl" the log-ratio itself, "abs" its absolute value, "mse" half
 * its square (both never negative, so a token the policy likes less than the reference is not rewarded).
 */

/** How the per-token log-ratio becomes a penalty. */
export type KlPenalty = "kl" | "abs" | "mse";

/**
 * The penalty of one token's log-ratio `logp - ref_logp`.
 *
 * @example klPenalty(-0.5, "abs"); // 0.5
 */
export function klPenalty(logratio: number, kind: KlPenalty): number {
  if (kind === "abs") return Math.abs(logratio);
  if (kind === "mse") return 0.5 * logratio * logratio;
  return logratio;
}

/** Rewards (B, T) and the KL part alone (the "non-score reward"), both 0 on masked positions. */
export interface TokenRewards {
  rewards: Float32Array;
  nonScoreRewards: Float32Array;
}

/**
 * Builds per-token rewards from sequence scores and the KL penalty against the reference.
 *
 * @example computeRewards({ scores: [1], logprobs, refLogprobs, mask, B: 1, T: 5 }, { klCoef: 0.2 });
 */
export function computeRewards(
  input: {
    scores: ArrayLike<number>;
    logprobs: ArrayLike<number>;
    refLogprobs: ArrayLike<number>;
    mask: ArrayLike<number>;
    B: number;
    T: number;
  },
  options: { klCoef: number; klPenalty?: KlPenalty },
): TokenRewards {
  const { scores, logprobs, refLogprobs, mask, B, T } = input;
  const rewards = new Float32Array(B * T);
  const nonScoreRewards = new Float32Array(B * T);
  for (let b = 0; b < B; b++) {
    let last = -1;
    for (let t = 0; t < T; t++) {
      const i = b * T + t;
      if (mask[i] === 0) continue;
      const penalty = klPenalty(logprobs[i] - refLogprobs[i], options.klPenalty ?? "kl");
      nonScoreRewards[i] = -options.klCoef * penalty;
      rewards[i] = nonScoreRewards[i];
      last = i;
    }
    if (last >= 0) rewards[last] += scores[b];
  }
  return { rewards, nonScoreRewards };
}
