/**
 * Test fixtures for the engine: a tokenizer over the printable ASCII characters (id = code - 31,
 * 0 = EOS) and seeded random arrays.
 */
import type { Tokenizer } from "../../../core/types.ts";
import type { Prng } from "../../../core/random/sfc32.ts";

/**
 * A character tokenizer: EOS 0, then the 95 printable ASCII characters and "\n" (vocabulary 97).
 *
 * @example
 * ```ts
 * asciiTokenizer().encode("hi"); // [73, 74]
 * ```
 */
export function asciiTokenizer(): Tokenizer {
  const NEWLINE = 96;
  return {
    vocabSize: 97,
    specialTokens: { "<eos>": 0 },
    eosId: 0,
    padId: 0,
    bosId: null,
    encode: (text) => [...text].map((ch) => (ch === "\n" ? NEWLINE : Math.min(Math.max(ch.charCodeAt(0) - 31, 1), 95))),
    decode: (ids) => Array.from(ids, (id) => (id === 0 ? "" : id === NEWLINE ? "\n" : String.fromCharCode(id + 31))).join(""),
  };
}

/** n uniform values in [-scale, scale). */
export function randomFloats(rng: Prng, n: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (rng.next() * 2 - 1) * scale;
  return out;
}

/** n integers in [0, max). */
export function randomInts(rng: Prng, n: number, max: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.int(max);
  return out;
}
