/**
 * Seeded randomness, the library's one module for it: one interface (`RandomStream`, a uniform float in
 * [0, 1) per `next()`), one seed mixer (`splitmix32`), and three generators. They stay three because each
 * one's stream is part of what a seed means, and one algorithm for all would change every recorded run
 * (`npm start`'s seed-0 accuracy, the seed tables of README and docs); core/random/streams_test.ts pins the
 * first draws of each:
 *
 * | generator | used for | why it stays |
 * |---|---|---|
 * | mulberry32, `seededRandom` (`Random`: `int(min, max)`, `pick`) | the samples of every task | its stream is which problems seed s trains and is evaluated on |
 * | sfc32, `createPrng` (`Prng`: `normal`, `int(n)`, independent `stream`s) | weight init, token sampling, test data | its stream is a model's initial weights and what generation draws |
 * | xoshiro128**, `createRng` (`Rng`: savable `state()`) | SFT shuffling, the seeds of each RL step's samples and rollouts | a checkpoint saves its four words so a resumed run draws the same numbers |
 *
 * @module
 */
export * from "./types.ts";
export * from "./splitmix32.ts";
export * from "./mulberry32.ts";
export * from "./sfc32.ts";
export * from "./xoshiro128.ts";
