/**
 * Element-wise ops over N values: GELU (tanh approximation, GPT-2's `gelu_new`), SwiGLU
 * (silu(gate) * up, Llama's MLP) and the residual add. Backward ops accumulate (+=).
 */
import type { Floats } from "./floats.ts";

const GELU_SCALE = Math.sqrt(2 / Math.PI);

/** out (N) = 0.5 x (1 + tanh(sqrt(2/π)(x + 0.044715 x³))). */
export function geluForward(out: Floats, inp: Floats, N: number): void {
  for (let i = 0; i < N; i++) {
    const x = inp[i];
    out[i] = 0.5 * x * (1 + Math.tanh(GELU_SCALE * (x + 0.044715 * x * x * x)));
  }
}

/** Accumulates dinp (N) from dout (N). */
export function geluBackward(dinp: Floats, dout: Floats, inp: Floats, N: number): void {
  for (let i = 0; i < N; i++) {
    const x = inp[i];
    const u = GELU_SCALE * (x + 0.044715 * x * x * x);
    const th = Math.tanh(u);
    const sech2 = 1 - th * th;
    const local = 0.5 * (1 + th) + 0.5 * x * sech2 * GELU_SCALE * (1 + 3 * 0.044715 * x * x);
    dinp[i] += local * dout[i];
  }
}

/** out (N) = silu(gate) * up, with silu(g) = g * sigmoid(g). */
export function swigluForward(out: Floats, gate: Floats, up: Floats, N: number): void {
  for (let i = 0; i < N; i++) {
    const g = gate[i];
    out[i] = (g / (1 + Math.exp(-g))) * up[i];
  }
}

/** Accumulates dgate (N), dup (N) from dout (N). */
export function swigluBackward(dgate: Floats, dup: Floats, dout: Floats, gate: Floats, up: Floats, N: number): void {
  for (let i = 0; i < N; i++) {
    const g = gate[i];
    const sig = 1 / (1 + Math.exp(-g));
    const silu = g * sig;
    dgate[i] += dout[i] * up[i] * (sig + silu * (1 - sig));
    dup[i] += dout[i] * silu;
  }
}

/** out (N) = a (N) + b (N); its backward passes dout to both inputs unchanged. */
export function residualForward(out: Floats, a: Floats, b: Floats, N: number): void {
  for (let i = 0; i < N; i++) out[i] = a[i] + b[i];
}

/** out (N) += scale · inp (N); its backward is dinp += scale · dout, the same op. */
export function scaledAdd(out: Floats, inp: Floats, scale: number, N: number): void {
  for (let i = 0; i < N; i++) out[i] += scale * inp[i];
}
