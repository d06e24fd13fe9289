/** `numericMatch`: the last number of the final answer is within a tolerance of the sample's answer. */
import { defineVerifier } from "../../core/plugin/define_verifier.ts";
import type { Parser, Sample, Verifier } from "../../core/types.ts";
import { finalAnswer, lastNumber } from "./answer.ts";

/** Options of {@link numericMatch}. */
export interface NumericMatchOptions {
  /** Reads the final answer from the last model turn (default: the whole turn). */
  parser?: Parser;
  /** Largest accepted absolute difference (default 0.01, as TRL's calculator). */
  tolerance?: number;
}

/**
 * 1 when the final answer's last number is within `tolerance` of `Number(sample.answer)`, else 0.
 *
 * @example
 * ```ts
 * const verifier = numericMatch({ parser: hermesParser, tolerance: 0.1 }); // GSM8K-style, as TRL's python-math
 * ```
 */
export function numericMatch(options: NumericMatchOptions = {}): Verifier {
  const { parser, tolerance = 0.01 } = options;
  if (!(tolerance >= 0)) throw new Error(`numericMatch: tolerance ${tolerance} must be a number >= 0.`);
  return defineVerifier({
    name: "numeric",
    score: (episode, sample: Sample) => {
      const expected = Number(sample.answer);
      if (!Number.isFinite(expected)) {
        throw new Error(`numericMatch: sample ${sample.id} has answer ${JSON.stringify(sample.answer)}, not a number.`);
      }
      const answer = finalAnswer(episode, parser);
      const given = answer === null ? null : lastNumber(answer);
      return given !== null && Math.abs(given - expected) <= tolerance + 1e-9 ? 1 : 0;
    },
  });
}
