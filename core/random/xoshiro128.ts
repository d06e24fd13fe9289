/**
 * A small seeded random number generator (xoshiro128**, Blackman & Vigna) whose whole state is four
 * 32-bit words, so a checkpoint can save it and a resumed run draws the same numbers; seeded through the
 * library's shared `splitmix32`. See mod.ts for why the library keeps three generators.
 */
import { splitmix32 } from "./splitmix32.ts";
import type { RandomStream } from "./types.ts";

/** A random stream with a savable state. */
export interface Rng extends RandomStream {
  /** An integer in [0, n). */
  int(n: number): number;
  /** A 32-bit unsigned integer (for seeding other generators). */
  uint32(): number;
  /** The four state words, to restore with `createRng({ state })`. */
  state(): number[];
}

/**
 * A generator from a seed, or restored from a saved state.
 *
 * @example const rng = createRng({ seed: 1 }); rng.int(10); const again = createRng({ state: rng.state() });
 */
export function createRng(from: { seed: number } | { state: number[] }): Rng {
  const s = new Uint32Array(4);
  if ("state" in from) {
    if (from.state.length !== 4 || from.state.every((w) => w === 0)) {
      throw new Error(`An RNG state is four 32-bit words, not all zero; got ${JSON.stringify(from.state)}.`);
    }
    s.set(from.state);
  } else {
    const mix = splitmix32(from.seed);
    for (let i = 0; i < 4; i++) s[i] = mix();
  }
  const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;
  const uint32 = () => {
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  };
  return {
    uint32,
    next: () => uint32() / 4294967296,
    int: (n: number) => Math.floor((uint32() / 4294967296) * n),
    state: () => Array.from(s),
  };
}

/**
 * A random permutation of `0..n-1` (Fisher–Yates).
 *
 * @example permutation(4, createRng({ seed: 0 })); // e.g. [2, 0, 3, 1]
 */
export function permutation(n: number, rng: Rng): number[] {
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
