/**
 * Element-wise kernels, one invocation per element: zero, copy, the residual add, GELU (tanh
 * approximation) and SwiGLU with their backwards (which accumulate), and the AdamW update.
 * Shapes as in `../../cpu/ops/pointwise.ts`; N elements, `p.n` in the kernels.
 */
import { elementwise, f32, f32w, type KernelSpec } from "../kernel.ts";

const u32w = (name: string) => ({ name, type: "u32" as const, write: true });

/** x[0..n) = 0 (any 4-byte element type). */
export const zeroKernel: KernelSpec = elementwise("zero", [u32w("x")], {}, "x[i] = 0u;");

/** dst[0..n) = src[0..n) (any 4-byte element type). */
export const copyKernel: KernelSpec = elementwise("copy", [u32w("dst"), { name: "src", type: "u32" }], {}, "dst[i] = src[i];");

/** outp (N) = a (N) + b (N). */
export const residualKernel: KernelSpec = elementwise("residual", [f32w("outp"), f32("a"), f32("b")], {}, "outp[i] = a[i] + b[i];");

/** outp (N) += scale · inp (N). */
export const scaledAddKernel: KernelSpec = elementwise("scaledAdd", [f32w("outp"), f32("inp")], { scale: "f32" }, "outp[i] = outp[i] + p.scale * inp[i];");

// tanh saturates to ±1 in float32 long before |u| = 15; clamping keeps exp-based tanh from overflowing.
const GELU_U = "clamp(0.7978845608028654 * (x + 0.044715 * x * x * x), -15.0, 15.0)";

/** outp (N) = 0.5 x (1 + tanh(sqrt(2/π)(x + 0.044715 x³))). */
export const geluForwardKernel: KernelSpec = elementwise(
  "geluForward", [f32w("outp"), f32("inp")], {},
  `let x = inp[i];
  outp[i] = 0.5 * x * (1.0 + tanh(${GELU_U}));`,
);

/** dinp (N) += gelu'(inp) · dout. */
export const geluBackwardKernel: KernelSpec = elementwise(
  "geluBackward", [f32w("dinp"), f32("dout"), f32("inp")], {},
  `let x = inp[i];
  let th = tanh(${GELU_U});
  let sech2 = 1.0 - th * th;
  let local = 0.5 * (1.0 + th) + 0.5 * x * sech2 * 0.7978845608028654 * (1.0 + 3.0 * 0.044715 * x * x);
  dinp[i] = dinp[i] + local * dout[i];`,
);

/** outp (N) = silu(gate) · up. */
export const swigluForwardKernel: KernelSpec = elementwise(
  "swigluForward", [f32w("outp"), f32("gate"), f32("up")], {},
  `let g = gate[i];
  outp[i] = (g / (1.0 + exp(-g))) * up[i];`,
);

/** dgate (N), dup (N) += from dout (N). */
export const swigluBackwardKernel: KernelSpec = elementwise(
  "swigluBackward", [f32w("dgate"), f32w("dup"), f32("dout"), f32("gate"), f32("up")], {},
  `let g = gate[i];
  let sig = 1.0 / (1.0 + exp(-g));
  let silu = g * sig;
  dgate[i] = dgate[i] + dout[i] * up[i] * (sig + silu * (1.0 - sig));
  dup[i] = dup[i] + dout[i] * silu;`,
);

/** AdamW on param, m, v (N) from grad (N); c1, c2 are the bias corrections 1 - beta^step. */
export const adamwKernel: KernelSpec = elementwise(
  "adamw", [f32w("param"), f32w("m"), f32w("v"), f32("grad")],
  { lr: "f32", beta1: "f32", beta2: "f32", eps: "f32", weightDecay: "f32", gradScale: "f32", c1: "f32", c2: "f32" },
  `let g = grad[i] * p.gradScale;
  let mi = p.beta1 * m[i] + (1.0 - p.beta1) * g;
  let vi = p.beta2 * v[i] + (1.0 - p.beta2) * g * g;
  m[i] = mi;
  v[i] = vi;
  param[i] = param[i] - p.lr * ((mi / p.c1) / (sqrt(vi / p.c2) + p.eps) + p.weightDecay * param[i]);`,
);
