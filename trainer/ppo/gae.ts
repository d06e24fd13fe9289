/**
 * Generalized Advantage Estimation (Schulman et al. 2016, https://arxiv.org/abs/1506.02438, eq. 11–16)
 * over packed token rows, stepping over masked positions.
 *
 * Shapes: B rows, T positions per row (the forward's T-1). Position t is the action "choose token t+1";
 * `mask[b, t]` is 1 when that token is a model token inside the response.
 *
 * How masked tokens are treated: GAE runs over the model positions of a row only, in order.
 * The successor of a model position is the next model position of the same row, wherever it is, so a
 * tool block (or padding) between two model turns is skipped, not stepped through: it neither decays
 * the bootstrap by `gamma * lam` per tool token nor mixes in values of states the model did not act in.
 * The tool's output is part of the environment's transition from the `<call>` token to the next turn.
 * (TRL zeroes masked rewards and values but still steps through them, so a k-token tool block multiplies
 * the advantage flowing back by `(gamma * lam)^k` and injects `-V` terms.)
 * Masked positions get advantage 0 and return 0.
 */

/** Per-position advantages and returns (B, T), 0 on masked positions. */
export interface GaeResult {
  advantages: Float32Array;
  returns: Float32Array;
}

/**
 * GAE with `delta_t = r_t + gamma V_next - V_t`, `A_t = delta_t + gamma lam A_next`, `R_t = A_t + V_t`,
 * where "next" is the next model position of the row and the value after the last one is 0.
 *
 * @example
 * ```ts
 * const { advantages } = computeGae({ rewards, values, mask, B: 1, T: 4 }, { gamma: 1, lam: 0.95 });
 * ```
 */
export function computeGae(
  input: { rewards: ArrayLike<number>; values: ArrayLike<number>; mask: ArrayLike<number>; B: number; T: number },
  options: { gamma: number; lam: number },
): GaeResult {
  const { rewards, values, mask, B, T } = input;
  const { gamma, lam } = options;
  const advantages = new Float32Array(B * T);
  const returns = new Float32Array(B * T);
  for (let b = 0; b < B; b++) {
    const row = b * T;
    let nextValue = 0; // V after the episode's last action
    let nextAdvantage = 0;
    for (let t = T - 1; t >= 0; t--) {
      const i = row + t;
      if (mask[i] === 0) continue; // step over tool, prompt and padding positions
      const delta = rewards[i] + gamma * nextValue - values[i];
      const advantage = delta + gamma * lam * nextAdvantage;
      advantages[i] = advantage;
      returns[i] = advantage + values[i];
      nextValue = values[i];
      nextAdvantage = advantage;
    }
  }
  return { advantages, returns };
}
