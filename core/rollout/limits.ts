/** Default rollout limits and their validation. */
import type { RolloutLimits } from "../types.ts";

/** The defaults: 4 turns, 8 calls (4 at once), 2048 response tokens, 32 new tokens per turn, 256-char tool responses cut in the middle. */
export const DEFAULT_LIMITS: Readonly<RolloutLimits> = {
  maxTurns: 4,
  maxToolCalls: 8,
  maxParallelCalls: 4,
  maxTotalResponseTokens: 2048,
  maxNewTokensPerTurn: 32,
  maxToolResponseLength: 256,
  toolResponseUnit: "chars",
  truncateSide: "middle",
};

const minimums = {
  maxTurns: 1,
  maxToolCalls: 0,
  maxParallelCalls: 1,
  maxTotalResponseTokens: 1,
  maxNewTokensPerTurn: 1,
  maxToolResponseLength: 0,
} as const;

/**
 * `DEFAULT_LIMITS` overridden by `limits`, checked.
 *
 * @example
 * ```ts
 * resolveLimits({ maxTurns: 2 }).maxToolCalls; // 8
 * ```
 */
export function resolveLimits(limits: Partial<RolloutLimits> = {}): RolloutLimits {
  const resolved: RolloutLimits = { ...DEFAULT_LIMITS, ...limits };
  for (const [name, min] of Object.entries(minimums) as [keyof typeof minimums, number][]) {
    const value = resolved[name];
    if (!Number.isInteger(value) || value < min) {
      throw new RangeError(`rollout limit ${name} must be a whole number >= ${min}, got ${value}`);
    }
  }
  if (resolved.toolResponseUnit !== "chars" && resolved.toolResponseUnit !== "tokens") {
    throw new RangeError(
      `toolResponseUnit must be "chars" or "tokens", got ${JSON.stringify(resolved.toolResponseUnit)}`,
    );
  }
  if (!["left", "right", "middle"].includes(resolved.truncateSide)) {
    throw new RangeError(
      `truncateSide must be "left", "right" or "middle", got ${JSON.stringify(resolved.truncateSide)}`,
    );
  }
  return resolved;
}
