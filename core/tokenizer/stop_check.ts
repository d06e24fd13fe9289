/**
 * Stop strings checked as a sequence grows, one token at a time, without decoding the whole sequence at
 * each step (which makes a turn of n tokens cost O(n²) decoding, and each decode call of a Hugging Face
 * tokenizer costs tens of microseconds however short).
 *
 * Checked after every token, a sequence has held no stop before; so a stop that appears now ends in the text
 * the last token added. First a filter: a token whose own text (decoded alone, once per token id) holds the
 * last character of no stop cannot have completed one, unless that text is empty or holds U+FFFD (a byte of a
 * character split across tokens), and then the check goes on. Then only the sequence's last tokens are
 * decoded: a stop of L UTF-16 units is at most 3L UTF-8 bytes, and every token decodes to at least one byte
 * (byte-level BPE, byte fallback, characters), so the last 3L tokens hold it; a few more cover a character
 * split across tokens and what decoding does at the window's start (a partial character, a stripped
 * leading space), which can hide a character there but never make a stop appear. Tokenizers whose decoding
 * rewrites text across tokens (clean-up of spaces before punctuation) are outside these premises.
 */
import type { Tokenizer } from "../types.ts";

/** Tokens decoded past the 3L that hold a stop of L units (partial characters, the window's first token). */
const SLACK_TOKENS = 8;

/**
 * A check of `tokens` (a sequence that held no stop before its last token) for any of `stops`; null when
 * there are none. Same answers as `stops.some((s) => decode(tokens).includes(s))` under that premise.
 *
 * @example
 * ```ts
 * const hits = stopChecker(tokenizer, ["</tool_call>"]);
 * for (const t of stream) { tokens.push(t); if (hits?.(tokens)) break; }
 * ```
 */
export function stopChecker(
  tokenizer: Pick<Tokenizer, "decode">, stops: readonly string[],
): ((tokens: readonly number[]) => boolean) | null {
  const kept = stops.filter((s) => s.length > 0);
  if (kept.length === 0) return null;
  const window = 3 * Math.max(...kept.map((s) => s.length)) + SLACK_TOKENS;
  const lastUnits = [...new Set(kept.map((s) => s[s.length - 1]))];
  const mayEnd = new Map<number, boolean>(); // token id -> whether its text may complete a stop
  const mayEndAStop = (id: number) => {
    let may = mayEnd.get(id);
    if (may === undefined) {
      const text = tokenizer.decode([id]);
      may = text.length === 0 || text.includes("\uFFFD") || lastUnits.some((unit) => text.includes(unit));
      mayEnd.set(id, may);
    }
    return may;
  };
  return (tokens) => {
    if (tokens.length === 0 || !mayEndAStop(tokens[tokens.length - 1])) return false;
    const tail = tokens.length > window ? tokens.slice(tokens.length - window) : tokens;
    const text = tokenizer.decode(tail);
    return kept.some((s) => text.includes(s));
  };
}
