/** `containsAlias`: TriviaQA's reward — some accepted alias appears in the final answer. */
import { defineVerifier } from "../../core/plugin/define_verifier.ts";
import type { Parser, Sample, Verifier } from "../../core/types.ts";
import { acceptedAnswers, finalAnswer } from "./answer.ts";
import { normalizeTriviaQa } from "./normalize.ts";

/**
 * 1 when a TriviaQA-normalised alias (`sample.answer` or `sample.aliases`) occurs, as whole words, in the
 * normalised final answer, else 0.
 *
 * @example
 * ```ts
 * const verifier = containsAlias({ parser: submitParser }); // "It was Marie Curie <submit>" matches "Curie"
 * ```
 */
export function containsAlias(options: { parser?: Parser } = {}): Verifier {
  return defineVerifier({
    name: "contains_alias",
    score: (episode, sample: Sample) => {
      const answer = finalAnswer(episode, options.parser);
      if (answer === null) return 0;
      const given = ` ${normalizeTriviaQa(answer)} `;
      return acceptedAnswers(sample).some((alias) => {
          const wanted = normalizeTriviaQa(alias);
          return wanted !== "" && given.includes(` ${wanted} `);
        })
        ? 1
        : 0;
    },
  });
}
