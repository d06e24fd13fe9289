/**
 * LayerNorm (GPT-2) and RMSNorm (Llama/Qwen2) over the last dimension C of N rows,
 * forward and backward side by side. Backward ops accumulate (+=) into their outputs.
 */
import type { Floats } from "./floats.ts";

/** out (N,C), mean (N), rstd (N) from inp (N,C), weight (C), bias (C). */
export function layernormForward(
  out: Floats, mean: Floats, rstd: Floats,
  inp: Floats, weight: Floats, bias: Floats,
  N: number, C: number, eps: number,
): void {
  for (let n = 0; n < N; n++) {
    const x = n * C;
    let m = 0;
    for (let i = 0; i < C; i++) m += inp[x + i];
    m /= C;
    let variance = 0;
    for (let i = 0; i < C; i++) {
      const d = inp[x + i] - m;
      variance += d * d;
    }
    variance /= C;
    const s = 1 / Math.sqrt(variance + eps);
    for (let i = 0; i < C; i++) out[x + i] = (inp[x + i] - m) * s * weight[i] + bias[i];
    mean[n] = m;
    rstd[n] = s;
  }
}

/** Accumulates dinp (N,C), dweight (C), dbias (C) from dout (N,C). */
export function layernormBackward(
  dinp: Floats, dweight: Floats, dbias: Floats,
  dout: Floats, inp: Floats, weight: Floats, mean: Floats, rstd: Floats,
  N: number, C: number,
): void {
  for (let n = 0; n < N; n++) {
    const x = n * C;
    const m = mean[n], s = rstd[n];
    // two reductions: mean of (w*dout) and mean of (w*dout*norm)
    let dnormMean = 0, dnormNormMean = 0;
    for (let i = 0; i < C; i++) {
      const norm = (inp[x + i] - m) * s;
      const dnorm = weight[i] * dout[x + i];
      dnormMean += dnorm;
      dnormNormMean += dnorm * norm;
    }
    dnormMean /= C;
    dnormNormMean /= C;
    for (let i = 0; i < C; i++) {
      const norm = (inp[x + i] - m) * s;
      const dnorm = weight[i] * dout[x + i];
      dbias[i] += dout[x + i];
      dweight[i] += norm * dout[x + i];
      dinp[x + i] += (dnorm - dnormMean - norm * dnormNormMean) * s;
    }
  }
}

/** out (N,C), rstd (N) from inp (N,C), weight (C): out = inp / rms(inp) * weight. */
export function rmsnormForward(
  out: Floats, rstd: Floats,
  inp: Floats, weight: Floats,
  N: number, C: number, eps: number,
): void {
  for (let n = 0; n < N; n++) {
    const x = n * C;
    let ms = 0;
    for (let i = 0; i < C; i++) ms += inp[x + i] * inp[x + i];
    const s = 1 / Math.sqrt(ms / C + eps);
    for (let i = 0; i < C; i++) out[x + i] = inp[x + i] * s * weight[i];
    rstd[n] = s;
  }
}

/** Accumulates dinp (N,C), dweight (C) from dout (N,C). */
export function rmsnormBackward(
  dinp: Floats, dweight: Floats,
  dout: Floats, inp: Floats, weight: Floats, rstd: Floats,
  N: number, C: number,
): void {
  for (let n = 0; n < N; n++) {
    const x = n * C;
    const s = rstd[n];
    // d(x*s)/dx = s*I - x xᵀ s³ / C, applied to g = w*dout
    let gx = 0;
    for (let i = 0; i < C; i++) gx += weight[i] * dout[x + i] * inp[x + i];
    const k = (gx * s * s * s) / C;
    for (let i = 0; i < C; i++) {
      dweight[i] += dout[x + i] * inp[x + i] * s;
      dinp[x + i] += weight[i] * dout[x + i] * s - inp[x + i] * k;
    }
  }
}
