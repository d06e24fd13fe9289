/**
 * The shape of a conformance case, apart from the cases (so case files can import it without a circle).
 */
import type { Backend, Done, Tensor } from "../backend/backend.ts";
import type { Prng } from "../../../core/random/sfc32.ts";

/** Host arrays of a case by name (Int32Array for ids, positions, lengths). */
export type Arrays = Record<string, Float32Array | Int32Array>;
/** Backend tensors of a case by the same names. */
export type Tensors = Record<string, Tensor>;

/** One op checked against the reference. */
export interface OpCase {
  name: string;
  kind: "forward" | "backward";
  /** Inputs and the initial contents of the outputs. */
  setup(rng: Prng): Arrays;
  /** Names of the arrays the op writes. */
  outputs: string[];
  reference(a: Arrays): void;
  run(backend: Backend, t: Tensors): Done | Promise<unknown>;
}
