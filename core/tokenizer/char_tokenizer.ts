/**
 * The built-in byte-level tokenizer: every UTF-8 byte is a token, so any text round-trips exactly,
 * and special strings (format tags, ChatML markers) encode to one id each, longest match first.
 *
 * Ids are stable: `0..255` the bytes, `256` `<pad>`, `257` `<|endoftext|>` (EOS), then the special
 * strings in the order given (by default: submit, hermes, react tags, as `DEFAULT_SPECIALS` lists).
 * Lone UTF-16 surrogates are not valid text: they encode as U+FFFD, as `TextEncoder` does.
 */
import type { Tokenizer } from "../types.ts";
import { parsers } from "../formats/mod.ts";

/** The padding string (id 256). */
export const CHAR_PAD = "<pad>";
/** The end-of-text string (id 257, the EOS). */
export const CHAR_EOS = "<|endoftext|>";
/** The special strings after CHAR_PAD and CHAR_EOS by default: every parser's tags, submit then hermes then react. */
export const DEFAULT_SPECIALS: readonly string[] = [
  ...parsers.submit.specialTokens,
  ...parsers.hermes.specialTokens,
  ...parsers.react.specialTokens,
];

const BYTES = 256;

/** What `toJSON()` writes beside a checkpoint; `charTokenizerFromJSON` reads it back. */
export interface CharTokenizerJSON {
  type: "char";
  version: 1;
  /** The special strings after CHAR_PAD and CHAR_EOS, in id order from 258. */
  specials: string[];
}

/** A `Tokenizer` that can also be saved. */
export interface CharTokenizer extends Tokenizer {
  toJSON(): CharTokenizerJSON;
}

/**
 * A byte-level tokenizer with special strings as single ids.
 *
 * @example
 * ```ts
 * const tok = charTokenizer();
 * tok.encode("<call>é"); // [259, 195, 169]
 * ```
 */
export function charTokenizer(options: { specials?: readonly string[] } = {}): CharTokenizer {
  const extra = dedupe(options.specials ?? DEFAULT_SPECIALS);
  const strings = [CHAR_PAD, CHAR_EOS, ...extra];
  const specialTokens: Record<string, number> = {};
  strings.forEach((s, k) => (specialTokens[s] = BYTES + k));
  const byFirstChar = new Map<string, string[]>();
  for (const s of [...strings].sort((a, b) => b.length - a.length)) {
    const list = byFirstChar.get(s[0]) ?? [];
    list.push(s);
    byFirstChar.set(s[0], list);
  }
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const vocabSize = BYTES + strings.length;

  function encode(text: string): number[] {
    const ids: number[] = [];
    let runStart = 0;
    const flush = (end: number) => {
      if (end > runStart) { for (const byte of encoder.encode(text.slice(runStart, end))) ids.push(byte); }
    };
    for (let i = 0; i < text.length;) {
      const match = byFirstChar.get(text[i])?.find((s) => text.startsWith(s, i));
      if (match === undefined) {
        i += 1;
        continue;
      }
      flush(i);
      ids.push(specialTokens[match]);
      i += match.length;
      runStart = i;
    }
    flush(text.length);
    return ids;
  }

  function decode(ids: ArrayLike<number>): string {
    let out = "";
    let bytes: number[] = [];
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k];
      if (Number.isInteger(id) && id >= 0 && id < BYTES) {
        bytes.push(id);
        continue;
      }
      if (!Number.isInteger(id) || id < BYTES || id >= vocabSize) {
        throw new RangeError(
          `token id ${id} at position ${k} is outside this tokenizer's vocabulary [0, ${vocabSize})`,
        );
      }
      out += decoder.decode(new Uint8Array(bytes)) + strings[id - BYTES];
      bytes = [];
    }
    return out + decoder.decode(new Uint8Array(bytes));
  }

  return {
    vocabSize,
    specialTokens,
    padId: BYTES,
    eosId: BYTES + 1,
    bosId: null,
    encode,
    decode,
    toJSON: () => ({ type: "char", version: 1, specials: [...extra] }),
  };
}

/**
 * Rebuilds a tokenizer saved with `toJSON()`, with the same ids.
 *
 * @example
 * ```ts
 * const again = charTokenizerFromJSON(JSON.parse(JSON.stringify(charTokenizer())));
 * ```
 */
export function charTokenizerFromJSON(json: unknown): CharTokenizer {
  const data = json as Partial<CharTokenizerJSON> | null;
  const valid = data !== null && typeof data === "object" && data.type === "char" && data.version === 1 &&
    Array.isArray(data.specials) && data.specials.every((s) => typeof s === "string");
  if (!valid) {
    const shown = JSON.stringify(json)?.slice(0, 200);
    throw new Error(
      `not a saved char tokenizer (expected {"type": "char", "version": 1, "specials": [...]}): ${shown}`,
    );
  }
  return charTokenizer({ specials: data.specials });
}

function dedupe(specials: readonly string[]): string[] {
  const seen = new Set([CHAR_PAD, CHAR_EOS]);
  const out: string[] = [];
  for (const s of specials) {
    if (s === "") throw new Error("a special token cannot be the empty string; remove it from `specials`");
    if (!seen.has(s)) out.push(s);
    seen.add(s);
  }
  return out;
}
