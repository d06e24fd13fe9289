/** `trlCalculator`: the reward of TRL's calculator example. */
import { defineVerifier } from "../../core/plugin/define_verifier.ts";
import type { Sample, Verifier } from "../../core/types.ts";
import { lastModelText } from "./answer.ts";

const RESULT = /Result\s*=\s*(-?\d+(\.\d+)?)\s*<submit>/;

/**
 * 1.0 when the last model turn holds `Result = x <submit>` with `x` within `tolerance` (0.01) of the answer, else 0.0.
 *
 * @example
 * ```ts
 * await trlCalculator().score(episode, { id: "1", question: "What is 13 - 4?", answer: 9 }); // 1 for "Result = 9 <submit>"
 * ```
 */
export function trlCalculator(options: { tolerance?: number } = {}): Verifier {
  const { tolerance = 0.01 } = options;
  return defineVerifier({
    name: "trl_calculator",
    score: (episode, sample: Sample) => {
      const match = RESULT.exec(lastModelText(episode));
      if (!match) return 0;
      return Math.abs(Number(match[1]) - Number(sample.answer)) <= tolerance + 1e-9 ? 1 : 0;
    },
  });
}
