/** The seed mixer of the library's sfc32 and xoshiro128** generators (see mod.ts). */
/**
 * A 32-bit seed mixer (splitmix32): a stream of well-spread 32-bit words from any seed, so nearby seeds give
 * unrelated streams. The seeder of the engine's sfc32 and the trainer's xoshiro128**.
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
