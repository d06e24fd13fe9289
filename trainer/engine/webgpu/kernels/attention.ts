/**
 * Causal attention with per-row lengths and grouped-query heads, and one-token decode over a KV
 * cache. Scale 1/sqrt(hs) (`p.scale`); query head h reads key/value head h / (NH/NKV). Shapes as in
 * `../../cpu/ops/attention.ts`: q (B,T,NH,hs), k, v (B,T,NKV,hs), att (B,NH,T,T), lengths (B).
 *
 * Forward: a workgroup per query row (b, h, t) computes scores, softmax (kept in att) and the output.
 * Backward in two kernels so that no two invocations add into the same element: per query row, dS =
 * P ⊙ (dP - rowsum(P ⊙ dP)) · scale into a scratch (B,NH,T,T) and dq += dS K; then per key row and
 * channel (b, t2, kvh, d), dk += Σ_h Σ_t dS Q and dv += Σ_h Σ_t P dO over the heads of the group.
 */
import { f32, f32w, i32, type KernelSpec } from "../kernel.ts";

const SIZES = { B: "u32", T: "u32", NH: "u32", NKV: "u32", hs: "u32", scale: "f32" } as const;

const QUERY_ROW = `
@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let r = groupIndex(wid, nwg); // ((b*NH + h)*T + t)
  if (r >= p.B * p.NH * p.T) { return; }
  let t = r % p.T;
  let h = (r / p.T) % p.NH;
  let b = r / (p.T * p.NH);
  let len = u32(clamp(lengths[b], 0, i32(p.T)));
  let kvh = h / (p.NH / p.NKV);
  let arow = r * p.T;
  let qrow = ((b * p.T + t) * p.NH + h) * p.hs;`;

/** kv row of position j: ((b*T + j)*NKV + kvh)*hs. */
const KV = "((b * p.T + j) * p.NKV + kvh) * p.hs";

/** outp (B,T,NH*hs), att (B,NH,T,T); rows t >= lengths[b] and entries above the diagonal are zero. */
export const attentionForwardKernel: KernelSpec = {
  name: "attentionForward",
  buffers: [f32w("outp"), f32w("att"), f32("q"), f32("k"), f32("v"), i32("lengths")],
  params: SIZES,
  workgroupSize: 64,
  body: `${QUERY_ROW}
  if (t >= len) {
    for (var j = lid; j < p.T; j = j + WG) { att[arow + j] = 0.0; }
    for (var d = lid; d < p.hs; d = d + WG) { outp[qrow + d] = 0.0; }
    return;
  }
  var mx = -3.0e38;
  for (var j = lid; j < p.T; j = j + WG) {
    if (j <= t) {
      let ko = ${KV};
      var s = 0.0;
      for (var d = 0u; d < p.hs; d = d + 1u) { s = s + q[qrow + d] * k[ko + d]; }
      att[arow + j] = s;
      mx = max(mx, s);
    } else {
      att[arow + j] = 0.0;
    }
  }
  mx = reduceMax(lid, mx);
  var sum = 0.0;
  for (var j = lid; j <= t; j = j + WG) {
    let e = exp((att[arow + j] - mx) * p.scale);
    att[arow + j] = e;
    sum = sum + e;
  }
  let inv = 1.0 / reduceSum(lid, sum);
  for (var j = lid; j <= t; j = j + WG) { att[arow + j] = att[arow + j] * inv; }
  storageBarrier();
  for (var d = lid; d < p.hs; d = d + WG) {
    var acc = 0.0;
    for (var j = 0u; j <= t; j = j + 1u) { acc = acc + att[arow + j] * v[${KV} + d]; }
    outp[qrow + d] = acc;
  }
}`,
};

/** dS (B,NH,T,T) scratch for rows t < lengths[b], dq += dS K. */
export const attentionBackwardQueryKernel: KernelSpec = {
  name: "attentionBackwardQuery",
  buffers: [f32w("dq"), f32w("dS"), f32("dout"), f32("k"), f32("v"), f32("att"), i32("lengths")],
  params: SIZES,
  workgroupSize: 64,
  body: `${QUERY_ROW}
  if (t >= len) { return; }
  var part = 0.0;
  for (var j = lid; j <= t; j = j + WG) {
    let vo = ${KV};
    var dp = 0.0;
    for (var d = 0u; d < p.hs; d = d + 1u) { dp = dp + dout[qrow + d] * v[vo + d]; }
    dS[arow + j] = dp;
    part = part + att[arow + j] * dp;
  }
  let dot = reduceSum(lid, part);
  for (var j = lid; j <= t; j = j + WG) { dS[arow + j] = att[arow + j] * (dS[arow + j] - dot) * p.scale; }
  storageBarrier();
  for (var d = lid; d < p.hs; d = d + WG) {
    var acc = 0.0;
    for (var j = 0u; j <= t; j = j + 1u) { acc = acc + dS[arow + j] * k[${KV} + d]; }
    dq[qrow + d] = dq[qrow + d] + acc;
  }
}`,
};

/** dk, dv (B,T,NKV,hs) += over the group's heads and the query rows t in [t2, len); an invocation per element. */
export const attentionBackwardKeyKernel: KernelSpec = {
  name: "attentionBackwardKey",
  buffers: [f32w("dk"), f32w("dv"), f32("dS"), f32("att"), f32("q"), f32("dout"), i32("lengths")],
  params: SIZES,
  workgroupSize: 64,
  body: `
@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = threadIndex(gid, nwg); // ((b*T + j)*NKV + kvh)*hs + d
  if (i >= p.B * p.T * p.NKV * p.hs) { return; }
  let d = i % p.hs;
  let kvh = (i / p.hs) % p.NKV;
  let j = (i / (p.hs * p.NKV)) % p.T;
  let b = i / (p.hs * p.NKV * p.T);
  let len = u32(clamp(lengths[b], 0, i32(p.T)));
  if (j >= len) { return; }
  let group = p.NH / p.NKV;
  var sk = 0.0;
  var sv = 0.0;
  for (var g = 0u; g < group; g = g + 1u) {
    let h = kvh * group + g;
    for (var t = j; t < len; t = t + 1u) {
      let a = ((b * p.NH + h) * p.T + t) * p.T + j;
      let qo = ((b * p.T + t) * p.NH + h) * p.hs + d;
      sk = sk + dS[a] * q[qo];
      sv = sv + att[a] * dout[qo];
    }
  }
  dk[i] = dk[i] + sk;
  dv[i] = dv[i] + sv;
}`,
};

/**
 * One query per row b over cache row rows[b], positions 0..lengths[b]-1: outp (B,NH*hs), att (B,NH,maxT)
 * scratch probabilities, q (B,NH*hs), kCache/vCache (Bc,maxT,NKV*hs); a workgroup per (b, h).
 */
export const attentionDecodeKernel: KernelSpec = {
  name: "attentionDecode",
  buffers: [f32w("outp"), f32w("att"), f32("q"), f32("kCache"), f32("vCache"), i32("rows"), i32("lengths")],
  params: { B: "u32", maxT: "u32", NH: "u32", NKV: "u32", hs: "u32", scale: "f32" },
  workgroupSize: 64,
  body: `
@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let r = groupIndex(wid, nwg); // b*NH + h
  if (r >= p.B * p.NH) { return; }
  let b = r / p.NH;
  let h = r % p.NH;
  let len = u32(clamp(lengths[b], 0, i32(p.maxT)));
  let base = u32(rows[b]) * p.maxT;
  let kvo = (h / (p.NH / p.NKV)) * p.hs;
  let stride = p.NKV * p.hs;
  let qo = r * p.hs;
  let a = r * p.maxT;
  var mx = -3.0e38;
  for (var j = lid; j < len; j = j + WG) {
    let ko = (base + j) * stride + kvo;
    var s = 0.0;
    for (var d = 0u; d < p.hs; d = d + 1u) { s = s + q[qo + d] * kCache[ko + d]; }
    s = s * p.scale;
    att[a + j] = s;
    mx = max(mx, s);
  }
  mx = reduceMax(lid, mx);
  var sum = 0.0;
  for (var j = lid; j < len; j = j + WG) {
    let e = exp(att[a + j] - mx);
    att[a + j] = e;
    sum = sum + e;
  }
  sum = reduceSum(lid, sum);
  for (var j = lid; j < len; j = j + WG) { att[a + j] = att[a + j] / sum; }
  storageBarrier();
  for (var d = lid; d < p.hs; d = d + WG) {
    var acc = 0.0;
    for (var j = 0u; j < len; j = j + 1u) { acc = acc + att[a + j] * vCache[(base + j) * stride + kvo + d]; }
    outp[qo + d] = acc;
  }
}`,
};
