/**
 * The task generator (mulberry32): `seededRandom` draws the samples of every built-in task (calculator,
 * python, wiki), so its stream defines which problems a seed trains and evaluates on; `splitSeed` keeps
 * training and evaluation streams apart. See mod.ts for why the library keeps three generators.
 */
import type { RandomStream } from "./types.ts";

/** A seeded source of random numbers. */
export interface Random extends RandomStream {
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
