/**
 * Seeded randomness, the one module the library's generators share: `seededRandom` for tasks (mulberry32, so
 * samples are reproducible on every runtime without `Math.random`), `splitSeed`, which keeps training and
 * evaluation streams apart, and `splitmix32`, the seed mixer of the engine's and the trainer's generators. (Those
 * keep their own algorithms, sfc32 with normals and xoshiro128** with a savable state, because their streams
 * define weight init, sampling and shuffling: one algorithm for all would change every run.)
 */

/**
 * A 32-bit seed mixer (splitmix32): a stream of well-spread 32-bit words from any seed, so nearby seeds give
 * unrelated streams. The seeder of every generator in the library (the engine's sfc32, the trainer's xoshiro128**).
 *
 * @example const words = splitmix32(7); words(); // a uint32
 */
export function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** A seeded source of random numbers. */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** One item of a non-empty list. */
  pick<T>(items: readonly T[]): T;
}

/**
 * A reproducible random source from a 32-bit seed (mulberry32).
 *
 * @example
 * ```ts
 * const random = seededRandom(7);
 * random.int(0, 49); // the same number on every run and runtime
 * ```
 */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => {
      if (items.length === 0) throw new Error("pick: the list is empty; give at least one item.");
      return items[Math.floor(next() * items.length)];
    },
  };
}

/**
 * The stream seed of a split: training streams use even seeds and evaluation streams odd ones, so no
 * training seed ever equals an evaluation seed, whatever seeds callers pick.
 *
 * @example
 * ```ts
 * splitSeed(3, "train"); // 6
 * splitSeed(3, "eval");  // 7
 * ```
 */
export function splitSeed(seed: number, split: "train" | "eval" = "train"): number {
  if (!Number.isInteger(seed)) throw new Error(`splitSeed: seed ${seed} must be an integer.`);
  return ((seed * 2) + (split === "eval" ? 1 : 0)) >>> 0;
}
