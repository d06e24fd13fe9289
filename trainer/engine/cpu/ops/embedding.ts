/**
 * Token embedding plus optional learned positions (GPT-2), and a row gather (last positions of a prefill).
 */
import type { Floats } from "./floats.ts";

/** out (N,C) = wte[tokens[n]] (+ wpe[positions[n]]), with wte (V,C), wpe (maxT,C) or null. */
export function encoderForward(
  out: Floats,
  tokens: Int32Array, positions: Int32Array,
  wte: Floats, wpe: Floats | null,
  N: number, C: number,
): void {
  for (let n = 0; n < N; n++) {
    const o = n * C, e = tokens[n] * C;
    if (wpe === null) {
      for (let i = 0; i < C; i++) out[o + i] = wte[e + i];
    } else {
      const p = positions[n] * C;
      for (let i = 0; i < C; i++) out[o + i] = wte[e + i] + wpe[p + i];
    }
  }
}

/** Accumulates dwte (V,C) and dwpe (maxT,C) (when not null) from dout (N,C). */
export function encoderBackward(
  dwte: Floats, dwpe: Floats | null,
  dout: Floats, tokens: Int32Array, positions: Int32Array,
  N: number, C: number,
): void {
  for (let n = 0; n < N; n++) {
    const o = n * C, e = tokens[n] * C;
    for (let i = 0; i < C; i++) dwte[e + i] += dout[o + i];
    if (dwpe !== null) {
      const p = positions[n] * C;
      for (let i = 0; i < C; i++) dwpe[p + i] += dout[o + i];
    }
  }
}

/** out (M,C) = inp[index[m]] for m < M, with inp (N,C) and index (M) row numbers. */
export function gatherRows(out: Floats, inp: Floats, index: Int32Array, M: number, C: number): void {
  for (let m = 0; m < M; m++) {
    const src = index[m] * C;
    out.set(inp.subarray(src, src + C), m * C);
  }
}
