/** The interface every generator of the library shares. */

/** A seeded stream of uniform floats: what sfc32 (`Prng`), xoshiro128** (`Rng`) and mulberry32 (`Random`) all give. */
export interface RandomStream {
  /** A float in [0, 1); the same seed gives the same sequence on every runtime. */
  next(): number;
}
