/**
 * The one dense kernel of the reference: out (M,N) = a (M,K) · b (N,K)ᵀ, contiguous dot products,
 * register-blocked; plus a transpose. Matmul and attention both reduce to it.
 */
import type { Floats } from "./floats.ts";

/**
 * out (M,N) = a (M,K) · b (N,K)ᵀ (+ bias (N)), or += when `accumulate`.
 * Blocks of 2 rows × 4 columns keep eight independent sums in registers; a last odd row and
 * leftover columns run through `gemmRow`.
 */
export function gemmNT(
  out: Floats, a: Floats, b: Floats, bias: Floats | null,
  M: number, K: number, N: number, accumulate: boolean,
): void {
  const N4 = N - (N % 4);
  for (let i = 0; i + 1 < M; i += 2) {
    const a0 = i * K, a1 = a0 + K;
    const o0 = i * N, o1 = o0 + N;
    for (let j = 0; j < N4; j += 4) {
      const b0 = j * K, b1 = b0 + K, b2 = b1 + K, b3 = b2 + K;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      for (let k = 0; k < K; k++) {
        const x0 = a[a0 + k], x1 = a[a1 + k];
        const y0 = b[b0 + k], y1 = b[b1 + k], y2 = b[b2 + k], y3 = b[b3 + k];
        s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
        s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
      }
      if (bias !== null) {
        s00 += bias[j]; s01 += bias[j + 1]; s02 += bias[j + 2]; s03 += bias[j + 3];
        s10 += bias[j]; s11 += bias[j + 1]; s12 += bias[j + 2]; s13 += bias[j + 3];
      }
      if (accumulate) {
        out[o0 + j] += s00; out[o0 + j + 1] += s01; out[o0 + j + 2] += s02; out[o0 + j + 3] += s03;
        out[o1 + j] += s10; out[o1 + j + 1] += s11; out[o1 + j + 2] += s12; out[o1 + j + 3] += s13;
      } else {
        out[o0 + j] = s00; out[o0 + j + 1] = s01; out[o0 + j + 2] = s02; out[o0 + j + 3] = s03;
        out[o1 + j] = s10; out[o1 + j + 1] = s11; out[o1 + j + 2] = s12; out[o1 + j + 3] = s13;
      }
    }
    if (N4 < N) {
      gemmRow(out, a, b, bias, i, K, N, N4, accumulate);
      gemmRow(out, a, b, bias, i + 1, K, N, N4, accumulate);
    }
  }
  if (M % 2 === 1) gemmRow(out, a, b, bias, M - 1, K, N, 0, accumulate);
}

/** Row i of out, columns j0..N-1: four columns at a time, then one at a time. */
function gemmRow(
  out: Floats, a: Floats, b: Floats, bias: Floats | null,
  i: number, K: number, N: number, j0: number, accumulate: boolean,
): void {
  const a0 = i * K, o0 = i * N;
  let j = j0;
  for (; j + 3 < N; j += 4) {
    const b0 = j * K, b1 = b0 + K, b2 = b1 + K, b3 = b2 + K;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let k = 0; k < K; k++) {
      const x = a[a0 + k];
      s0 += x * b[b0 + k]; s1 += x * b[b1 + k]; s2 += x * b[b2 + k]; s3 += x * b[b3 + k];
    }
    if (bias !== null) {
      s0 += bias[j]; s1 += bias[j + 1]; s2 += bias[j + 2]; s3 += bias[j + 3];
    }
    if (accumulate) {
      out[o0 + j] += s0; out[o0 + j + 1] += s1; out[o0 + j + 2] += s2; out[o0 + j + 3] += s3;
    } else {
      out[o0 + j] = s0; out[o0 + j + 1] = s1; out[o0 + j + 2] = s2; out[o0 + j + 3] = s3;
    }
  }
  for (; j < N; j++) {
    const bj = j * K;
    let s = bias !== null ? bias[j] : 0;
    for (let k = 0; k < K; k++) s += a[a0 + k] * b[bj + k];
    out[o0 + j] = accumulate ? out[o0 + j] + s : s;
  }
}

/** dst (cols, rows) = src (rows, cols)ᵀ. */
export function transpose(dst: Floats, src: Floats, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const s = r * cols;
    for (let c = 0; c < cols; c++) dst[c * rows + r] = src[s + c];
  }
}
