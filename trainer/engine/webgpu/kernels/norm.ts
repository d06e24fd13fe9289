/**
 * LayerNorm and RMSNorm over rows of C channels. Forward and the input gradient run one workgroup
 * per row with tree reductions; the weight and bias gradients run one invocation per channel, summing
 * over the N rows (so no two invocations write the same element). Backward kernels accumulate (+=).
 * Shapes as in `../../cpu/ops/norm.ts`.
 */
import { f32, f32w, type KernelSpec } from "../kernel.ts";

const ROW = `
@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let n = groupIndex(wid, nwg);
  if (n >= p.N) { return; }
  let x0 = n * p.C;
  let fc = f32(p.C);`;

const COLUMN = `
@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let c = threadIndex(gid, nwg);
  if (c >= p.C) { return; }`;

/** outp (N,C), mean (N), rstd (N) from inp (N,C), weight (C), bias (C); a workgroup per row. */
export const layernormForwardKernel: KernelSpec = {
  name: "layernormForward",
  buffers: [f32w("outp"), f32w("mean"), f32w("rstd"), f32("inp"), f32("weight"), f32("bias")],
  params: { N: "u32", C: "u32", eps: "f32" },
  workgroupSize: 64,
  body: `${ROW}
  var s = 0.0;
  for (var i = lid; i < p.C; i = i + WG) { s = s + inp[x0 + i]; }
  let m = reduceSum(lid, s) / fc;
  var q = 0.0;
  for (var i = lid; i < p.C; i = i + WG) { let d = inp[x0 + i] - m; q = q + d * d; }
  let r = 1.0 / sqrt(reduceSum(lid, q) / fc + p.eps);
  for (var i = lid; i < p.C; i = i + WG) { outp[x0 + i] = (inp[x0 + i] - m) * r * weight[i] + bias[i]; }
  if (lid == 0u) { mean[n] = m; rstd[n] = r; }
}`,
};

/** dinp (N,C) += from dout (N,C); a workgroup per row. */
export const layernormBackwardInputKernel: KernelSpec = {
  name: "layernormBackwardInput",
  buffers: [f32w("dinp"), f32("dout"), f32("inp"), f32("weight"), f32("mean"), f32("rstd")],
  params: { N: "u32", C: "u32" },
  workgroupSize: 64,
  body: `${ROW}
  let m = mean[n];
  let r = rstd[n];
  var a = 0.0;
  var b = 0.0;
  for (var i = lid; i < p.C; i = i + WG) {
    let norm = (inp[x0 + i] - m) * r;
    let dnorm = weight[i] * dout[x0 + i];
    a = a + dnorm;
    b = b + dnorm * norm;
  }
  let dnormMean = reduceSum(lid, a) / fc;
  let dnormNormMean = reduceSum(lid, b) / fc;
  for (var i = lid; i < p.C; i = i + WG) {
    let norm = (inp[x0 + i] - m) * r;
    let dnorm = weight[i] * dout[x0 + i];
    dinp[x0 + i] = dinp[x0 + i] + (dnorm - dnormMean - norm * dnormNormMean) * r;
  }
}`,
};

/** dweight (C), dbias (C) += Σ over rows; an invocation per channel. */
export const layernormBackwardParamsKernel: KernelSpec = {
  name: "layernormBackwardParams",
  buffers: [f32w("dweight"), f32w("dbias"), f32("dout"), f32("inp"), f32("mean"), f32("rstd")],
  params: { N: "u32", C: "u32" },
  workgroupSize: 64,
  body: `${COLUMN}
  var dw = 0.0;
  var db = 0.0;
  for (var n = 0u; n < p.N; n = n + 1u) {
    let o = n * p.C + c;
    dw = dw + (inp[o] - mean[n]) * rstd[n] * dout[o];
    db = db + dout[o];
  }
  dweight[c] = dweight[c] + dw;
  dbias[c] = dbias[c] + db;
}`,
};

/** outp (N,C), rstd (N) from inp (N,C), weight (C); a workgroup per row. */
export const rmsnormForwardKernel: KernelSpec = {
  name: "rmsnormForward",
  buffers: [f32w("outp"), f32w("rstd"), f32("inp"), f32("weight")],
  params: { N: "u32", C: "u32", eps: "f32" },
  workgroupSize: 64,
  body: `${ROW}
  var q = 0.0;
  for (var i = lid; i < p.C; i = i + WG) { let x = inp[x0 + i]; q = q + x * x; }
  let r = 1.0 / sqrt(reduceSum(lid, q) / fc + p.eps);
  for (var i = lid; i < p.C; i = i + WG) { outp[x0 + i] = inp[x0 + i] * r * weight[i]; }
  if (lid == 0u) { rstd[n] = r; }
}`,
};

/** dinp (N,C) += from dout (N,C); a workgroup per row. */
export const rmsnormBackwardInputKernel: KernelSpec = {
  name: "rmsnormBackwardInput",
  buffers: [f32w("dinp"), f32("dout"), f32("inp"), f32("weight"), f32("rstd")],
  params: { N: "u32", C: "u32" },
  workgroupSize: 64,
  body: `${ROW}
  let r = rstd[n];
  var g = 0.0;
  for (var i = lid; i < p.C; i = i + WG) { g = g + weight[i] * dout[x0 + i] * inp[x0 + i]; }
  let k = reduceSum(lid, g) * r * r * r / fc;
  for (var i = lid; i < p.C; i = i + WG) {
    dinp[x0 + i] = dinp[x0 + i] + weight[i] * dout[x0 + i] * r - inp[x0 + i] * k;
  }
}`,
};

/** dweight (C) += Σ over rows of dout · inp · rstd; an invocation per channel. */
export const rmsnormBackwardParamsKernel: KernelSpec = {
  name: "rmsnormBackwardParams",
  buffers: [f32w("dweight"), f32("dout"), f32("inp"), f32("rstd")],
  params: { N: "u32", C: "u32" },
  workgroupSize: 64,
  body: `${COLUMN}
  var dw = 0.0;
  for (var n = 0u; n < p.N; n = n + 1u) {
    let o = n * p.C + c;
    dw = dw + dout[o] * inp[o] * rstd[n];
  }
  dweight[c] = dweight[c] + dw;
}`,
};
