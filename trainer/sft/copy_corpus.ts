/**
 * Copy pre-training text: what a pre-trained base model has learnt from ordinary text and a model trained from
 * scratch lacks — continuing a span that occurred earlier in the context (an "induction" pattern). Each example
 * is random words and numbers in which some spans recur; the loss falls only on a recurring span after its
 * first token, the part that can be predicted by looking back. Nothing in it names a task, a tool or a format.
 */
import type { Tokenizer } from "../../core/types.ts";
import type { PackableEpisode } from "../train/batch.ts";
import type { Rng } from "../train/rng.ts";

/** Options of `copyCorpus`. */
export interface CopyCorpusOptions {
  /** Examples to make. */
  n: number;
  /** Characters per example, about (the example ends at the first word past it). */
  length: number;
}

const LETTERS = "abcdefghijklmnopqrstuvwxyz";
const SEPARATORS = [" ", " ", " ", ", ", ". ", "\n", ": ", " = ", " (", ") "];

/** A random word: letters, a number (some negative), or a capitalised word. */
function word(rng: Rng): string {
  const kind = rng.int(3);
  if (kind === 1) {
    const digits = 1 + rng.int(5);
    let text = String(1 + rng.int(9));
    for (let i = 1; i < digits; i++) text += String(rng.int(10));
    if (digits === 1 && rng.int(4) === 0) text = "0";
    return rng.int(6) === 0 ? `-${text}` : text;
  }
  let text = "";
  const letters = 2 + rng.int(6);
  for (let i = 0; i < letters; i++) text += LETTERS[rng.int(LETTERS.length)];
  return kind === 2 ? text[0].toUpperCase() + text.slice(1) : text;
}

/** A run of 1-4 words with their separators. */
function phrase(rng: Rng): string {
  const words = 1 + rng.int(4);
  let text = word(rng);
  for (let i = 1; i < words; i++) text += SEPARATORS[rng.int(SEPARATORS.length)] + word(rng);
  return text;
}

/**
 * `n` copy pre-training examples tokenized with `tokenizer`: prompt segments hold the running text and the
 * first token of each recurring span, model segments the rest of that span (the only tokens in the loss).
 *
 * @example const examples = copyCorpus(tokenizer, rng, { n: 1000, length: 120 });
 */
export function copyCorpus(tokenizer: Tokenizer, rng: Rng, options: CopyCorpusOptions): PackableEpisode[] {
  if (!(Number.isInteger(options.n) && options.n >= 1)) throw new Error(`copyCorpus: n must be a whole number >= 1; got ${options.n}.`);
  if (!(options.length >= 8)) throw new Error(`copyCorpus: length must be at least 8 characters; got ${options.length}.`);
  const examples: PackableEpisode[] = [];
  for (let e = 0; e < options.n; e++) {
    const seen: string[] = [];
    const segments: PackableEpisode["segments"] = [];
    let size = 0;
    const push = (role: "prompt" | "model", text: string) => {
      const tokens = tokenizer.encode(text);
      const last = segments.at(-1);
      if (last && last.role === role) last.tokens.push(...tokens);
      else segments.push({ role, tokens });
      size += text.length;
    };
    while (size < options.length) {
      push("prompt", size === 0 ? "" : SEPARATORS[rng.int(SEPARATORS.length)]);
      if (seen.length > 0 && rng.int(3) === 0) {
        // a span seen before: its first token is a cue nobody could predict, the rest is the copy
        const span = seen[rng.int(seen.length)];
        const tokens = tokenizer.encode(span);
        segments.push({ role: "prompt", tokens: tokens.slice(0, 1) });
        if (tokens.length > 1) segments.push({ role: "model", tokens: tokens.slice(1) });
        size += span.length;
      } else {
        const text = phrase(rng);
        seen.push(text);
        push("prompt", text);
      }
    }
    examples.push({ segments: segments.filter((s) => s.tokens.length > 0) });
  }
  return examples;
}
