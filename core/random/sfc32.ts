/**
 * A small seeded pseudo-random generator (sfc32, seeded through splitmix32) for weight init,
 * sampling and test data: the same seed gives the same stream on every runtime. See mod.ts for why the
 * library keeps three generators.
 */
import { splitmix32 } from "./splitmix32.ts";
import type { RandomStream } from "./types.ts";

/** A stream of uniform numbers in [0, 1) and standard normals. */
export interface Prng extends RandomStream {
  /** Standard normal (Box-Muller). */
  normal(): number;
  /** Integer in [0, n). */
  int(n: number): number;
}

/**
 * A generator seeded by `seed` (any integer) and an optional `stream` number for independent streams.
 *
 * @example
 * ```ts
 * const rng = createPrng(42);
 * rng.next(); // same value on every run
 * ```
 */
export function createPrng(seed: number, stream = 0): Prng {
  const mix = splitmix32((seed | 0) ^ Math.imul(stream | 0, 0x27d4eb2d));
  let a = mix(), b = mix(), c = mix(), d = mix();
  let spare: number | null = null;
  const next = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return {
    next,
    normal() {
      if (spare !== null) {
        const z = spare;
        spare = null;
        return z;
      }
      let u = next();
      while (u === 0) u = next();
      const r = Math.sqrt(-2 * Math.log(u));
      const theta = 2 * Math.PI * next();
      spare = r * Math.sin(theta);
      return r * Math.cos(theta);
    },
    int(n: number) {
      return Math.floor(next() * n);
    },
  };
}
