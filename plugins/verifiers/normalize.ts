/**
 * Answer normalisation as the QA benchmarks do it: SQuAD for exact match (punctuation deleted),
 * TriviaQA for aliases (punctuation and underscores become spaces). Both lower-case, drop the
 * articles a/an/the and collapse whitespace.
 */

const PUNCTUATION = /[\p{P}\p{S}]/gu;
const ARTICLES = /\b(a|an|the)\b/g;

function finish(text: string): string {
  return text.replace(ARTICLES, " ").split(/\s+/).filter(Boolean).join(" ");
}

/**
 * SQuAD normalisation: lower-case, punctuation removed, articles removed, whitespace collapsed.
 *
 * @example
 * ```ts
 * normalizeSquad("The  Eiffel-Tower!"); // "eiffeltower"
 * ```
 */
export function normalizeSquad(text: string): string {
  return finish(text.normalize("NFKC").toLowerCase().replace(PUNCTUATION, ""));
}

/**
 * TriviaQA normalisation: lower-case, punctuation and underscores turned into spaces, articles removed,
 * whitespace collapsed.
 *
 * @example
 * ```ts
 * normalizeTriviaQa("The Eiffel_Tower's top"); // "eiffel tower s top"
 * ```
 */
export function normalizeTriviaQa(text: string): string {
  return finish(text.normalize("NFKC").toLowerCase().replace(/_/g, " ").replace(PUNCTUATION, " "));
}
