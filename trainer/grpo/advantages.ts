/**
 * GRPO's outcome-supervised advantages (Shao et al. 2024, DeepSeekMath, https://arxiv.org/abs/2402.03300,
 * section 4.1.2): each episode's reward normalised within its group of G rollouts of the same prompt,
 * `A_i = (r_i - mean(r_group)) / (std(r_group) + eps)`, the same for every token of the episode.
 */

/**
 * Group-normalised advantages; rewards are laid out group by group (`groupSize` consecutive episodes per prompt).
 * `std` is the sample standard deviation (n-1), as torch's default in TRL's GRPOTrainer; `scale: false` only centres.
 *
 * @example groupAdvantages([1, 0, 0, 1], { groupSize: 2 }); // ≈ [0.707, -0.707, -0.707, 0.707]
 */
export function groupAdvantages(
  rewards: readonly number[],
  options: { groupSize: number; scale?: boolean; eps?: number },
): number[] {
  const { groupSize } = options;
  const eps = options.eps ?? 1e-4;
  if (groupSize < 1 || rewards.length % groupSize !== 0) {
    throw new Error(
      `GRPO needs whole groups: ${rewards.length} rewards do not split into groups of ${groupSize}; make the batch a multiple of the group size.`,
    );
  }
  const out = new Array<number>(rewards.length);
  for (let start = 0; start < rewards.length; start += groupSize) {
    const group = rewards.slice(start, start + groupSize);
    const mean = group.reduce((a, b) => a + b, 0) / groupSize;
    const variance = groupSize > 1 ? group.reduce((a, r) => a + (r - mean) ** 2, 0) / (groupSize - 1) : 0;
    const std = Math.sqrt(variance);
    group.forEach((r, i) => (out[start + i] = options.scale === false ? r - mean : (r - mean) / (std + eps)));
  }
  return out;
}
