/** `exactMatch`: the final answer equals an accepted answer after SQuAD normalisation. */
import { defineVerifier } from "../../core/plugin/define_verifier.ts";
import type { Parser, Sample, Verifier } from "../../core/types.ts";
import { acceptedAnswers, finalAnswer } from "./answer.ts";
import { normalizeSquad } from "./normalize.ts";

/**
 * 1 when the normalised final answer equals a normalised `sample.answer` (or alias), else 0.
 *
 * @example
 * ```ts
 * const verifier = exactMatch({ parser: reactParser }); // "Final Answer: the Louvre" matches "Louvre"
 * ```
 */
export function exactMatch(options: { parser?: Parser } = {}): Verifier {
  return defineVerifier({
    name: "exact",
    score: (episode, sample: Sample) => {
      const answer = finalAnswer(episode, options.parser);
      if (answer === null) return 0;
      const given = normalizeSquad(answer);
      return acceptedAnswers(sample).some((accepted) => normalizeSquad(accepted) === given) ? 1 : 0;
    },
  });
}
