/**
 * Rotary position embedding in Hugging Face's "rotate half" layout: dimension i < hs/2 pairs with
 * i + hs/2 and turns by angle positions[n] * theta^(-2i/hs). A rotation, so it runs in place:
 * forward rotates by +angle, backward (the transpose) by -angle.
 */
import type { Floats } from "./floats.ts";
import type { RopeScaling } from "../../types.ts";

/**
 * The inverse frequency of pair i, theta^(-2i/hs), scaled as HF's `_compute_llama3_parameters` does when `scaling`
 * is given: wavelengths longer than original/lowFreqFactor are divided by `factor`, shorter than
 * original/highFreqFactor kept, and the band between blended linearly in original/wavelength.
 *
 * @example
 * ```ts
 * ropeInvFreq(0, 64, 500000); // 1
 * ```
 */
export function ropeInvFreq(i: number, hs: number, theta: number, scaling?: RopeScaling | null): number {
  const invFreq = Math.fround(1 / Math.fround(Math.pow(theta, (2 * i) / hs)));
  if (!scaling) return invFreq;
  const { factor, lowFreqFactor, highFreqFactor, originalMaxPositionEmbeddings: original } = scaling;
  const wavelen = (2 * Math.PI) / invFreq;
  if (wavelen > original / lowFreqFactor) return Math.fround(invFreq / factor);
  if (wavelen < original / highFreqFactor) return invFreq;
  const smooth = (original / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
  return Math.fround((1 - smooth) * (invFreq / factor) + smooth * invFreq);
}

/**
 * The (maxT, hs) table of cos (first hs/2 columns) and sin (last hs/2), rounded like HF's float32 math
 * (with Llama 3 frequency scaling when `scaling` is given).
 *
 * @example
 * ```ts
 * const table = ropeTable(256, 16, 10000); // Float32Array(256 * 16)
 * ```
 */
export function ropeTable(maxT: number, hs: number, theta: number, scaling?: RopeScaling | null): Float32Array {
  const half = hs / 2;
  const table = new Float32Array(maxT * hs);
  for (let i = 0; i < half; i++) {
    const invFreq = ropeInvFreq(i, hs, theta, scaling);
    for (let p = 0; p < maxT; p++) {
      const angle = Math.fround(p * invFreq);
      table[p * hs + i] = Math.cos(angle);
      table[p * hs + half + i] = Math.sin(angle);
    }
  }
  return table;
}

function rotate(
  x: Floats, positions: Int32Array, table: Floats,
  N: number, nHeads: number, hs: number, sign: number,
): void {
  const half = hs / 2;
  for (let n = 0; n < N; n++) {
    const row = positions[n] * hs;
    for (let h = 0; h < nHeads; h++) {
      const o = (n * nHeads + h) * hs;
      for (let i = 0; i < half; i++) {
        const cos = table[row + i], sin = sign * table[row + half + i];
        const x1 = x[o + i], x2 = x[o + half + i];
        x[o + i] = x1 * cos - x2 * sin;
        x[o + half + i] = x2 * cos + x1 * sin;
      }
    }
  }
}

/** Rotates x (N,nHeads,hs) in place by the angles of positions (N). */
export function ropeForward(
  x: Floats, positions: Int32Array, table: Floats,
  N: number, nHeads: number, hs: number,
): void {
  rotate(x, positions, table, N, nHeads, hs, 1);
}

/** Turns the gradient dx (N,nHeads,hs) back in place (inverse rotation). */
export function ropeBackward(
  dx: Floats, positions: Int32Array, table: Floats,
  N: number, nHeads: number, hs: number,
): void {
  rotate(dx, positions, table, N, nHeads, hs, -1);
}
