/**
 * The loss side of the LM head and the reductions: fused log-softmax → target logprob, entropy and
 * log-sum-exp (a workgroup per row), its backward (an invocation per logit), and Σ x² in two passes
 * (per-workgroup partial sums, then one workgroup over the partials). Shapes as in `../../cpu/ops/head.ts`.
 */
import { f32, f32w, i32, type KernelSpec } from "../kernel.ts";

/** logprobs, entropy, lse (N) from logits (N,V) and targets (N); rows with target < 0 get zeros. */
export const logprobsForwardKernel: KernelSpec = {
  name: "logprobsForward",
  buffers: [f32w("logprobs"), f32w("entropy"), f32w("lse"), f32("logits"), i32("targets")],
  params: { N: "u32", V: "u32" },
  workgroupSize: 64,
  body: `
@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let n = groupIndex(wid, nwg);
  if (n >= p.N) { return; }
  let tgt = targets[n];
  if (tgt < 0) {
    if (lid == 0u) { logprobs[n] = 0.0; entropy[n] = 0.0; lse[n] = 0.0; }
    return;
  }
  let z = n * p.V;
  var mx = -3.0e38;
  for (var j = lid; j < p.V; j = j + WG) { mx = max(mx, logits[z + j]); }
  mx = reduceMax(lid, mx);
  var s = 0.0;
  var w = 0.0;
  for (var j = lid; j < p.V; j = j + WG) {
    let e = exp(logits[z + j] - mx);
    s = s + e;
    w = w + e * logits[z + j];
  }
  s = reduceSum(lid, s);
  w = reduceSum(lid, w);
  if (lid == 0u) {
    let l = mx + log(s);
    lse[n] = l;
    logprobs[n] = logits[z + u32(tgt)] - l;
    entropy[n] = l - w / s; // H = lse - Σ p z
  }
}`,
};

/** dlogits (N,V) += dlogprob (1[j = target] - p_j) - dentropy p_j (log p_j + H) (dentropy when HAS_DENTROPY). */
export const logprobsBackwardKernel: KernelSpec = {
  name: "logprobsBackward",
  buffers: [f32w("dlogits"), f32("dlogprobs"), f32("dentropy"), f32("logits"), i32("targets"), f32("lse"), f32("entropy")],
  params: { N: "u32", V: "u32" },
  workgroupSize: 256,
  body: `
@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = threadIndex(gid, nwg);
  if (i >= p.N * p.V) { return; }
  let n = i / p.V;
  let tgt = targets[n];
  if (tgt < 0) { return; }
  let dlp = dlogprobs[n];
  var dh = 0.0;
  if (HAS_DENTROPY) { dh = dentropy[n]; }
  let logp = logits[i] - lse[n];
  let pj = exp(logp);
  var d = -dlp * pj - dh * pj * (logp + entropy[n]);
  if (i % p.V == u32(tgt)) { d = d + dlp; }
  dlogits[i] = dlogits[i] + d;
}`,
};

/** partials[base + w] = Σ x² over the elements i ≡ w (mod groups) blocks of x (n); `groups` workgroups. */
export const sumSquaresPartialKernel: KernelSpec = {
  name: "sumSquaresPartial",
  buffers: [f32w("partials"), f32("x")],
  params: { n: "u32", base: "u32", groups: "u32" },
  workgroupSize: 64,
  body: `
@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  var s = 0.0;
  for (var i = wid.x * WG + lid; i < p.n; i = i + p.groups * WG) { let x0 = x[i]; s = s + x0 * x0; }
  s = reduceSum(lid, s);
  if (lid == 0u) { partials[p.base + wid.x] = s; }
}`,
};

/** result[0] = Σ partials[0..count); one workgroup. */
export const sumPartialsKernel: KernelSpec = {
  name: "sumPartials",
  buffers: [f32w("result"), f32("partials")],
  params: { count: "u32" },
  workgroupSize: 64,
  body: `
@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32) {
  var s = 0.0;
  for (var i = lid; i < p.count; i = i + WG) { s = s + partials[i]; }
  s = reduceSum(lid, s);
  if (lid == 0u) { result[0] = s; }
}`,
};
