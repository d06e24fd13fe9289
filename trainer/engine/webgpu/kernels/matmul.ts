/**
 * The dense kernel: a tiled GEMM out (M,Nn) (+)= A (M,K) · B (Nn,K)ᵀ (+ bias (Nn)), with A and B read
 * through strides so the linear layer's three products (forward, dinp, dweight) need no transposes.
 * A workgroup of 16×16 invocations computes a 32×32 tile of out, each invocation a 2×2 block (rows
 * ly and ly + 16, columns lx and lx + 16), staging 32×8 slices of A and B in workgroup memory.
 * Bits of the uniform `flags` pick the variant: A_K / B_K (the operand is contiguous along k, which
 * decides how a tile is loaded so that neighbouring invocations read neighbouring addresses),
 * HAS_BIAS, ACCUMULATE.
 *
 * Why this tile: llvmpipe (the software adapter the suite runs on) compiles kernels with more
 * accumulators or longer unrolled k-steps pathologically slowly (a 64×64 tile with 4×4 blocks took
 * over a minute to compile there, 2×2 blocks with 16-deep k-steps twenty seconds; this one a few).
 * Flags are uniforms rather than pipeline constants for the same reason.
 *
 * Strides: A(m,k) = a[m·sam + k·sak], B(n,k) = b[n·sbn + k·sbk]; out row-major with row length Nn.
 * Plus `columnSumKernel` (the bias gradient: out (C) += Σ over R rows of x (R,C)).
 */
import { f32, f32w, type KernelSpec } from "../kernel.ts";

/** Tile edge of `gemmKernel` (rows and columns of out per workgroup). */
export const GEMM_TILE = 32;

/** The tiled GEMM. */
export const gemmKernel: KernelSpec = {
  name: "gemm",
  buffers: [f32w("outp"), f32("a"), f32("b"), f32("bias")],
  params: { M: "u32", Nn: "u32", K: "u32", sam: "u32", sak: "u32", sbn: "u32", sbk: "u32", flags: "u32" },
  workgroupSize: 256,
  body: `
const TM = ${GEMM_TILE}u;
const TK = 8u;
const A_K = 1u;
const B_K = 2u;
const HAS_BIAS = 4u;
const ACCUMULATE = 8u;
var<workgroup> As: array<f32, 256>; // [k][m], TK x TM
var<workgroup> Bs: array<f32, 256>; // [k][n], TK x TM

fn loadA(e: u32, m0: u32, k0: u32) {
  var row = e % TM;
  var kk = e / TM;
  if ((p.flags & A_K) != 0u) { row = e / TK; kk = e % TK; }
  var v = 0.0;
  if (m0 + row < p.M && k0 + kk < p.K) { v = a[(m0 + row) * p.sam + (k0 + kk) * p.sak]; }
  As[kk * TM + row] = v;
}

fn loadB(e: u32, n0: u32, k0: u32) {
  var row = e % TM;
  var kk = e / TM;
  if ((p.flags & B_K) != 0u) { row = e / TK; kk = e % TK; }
  var v = 0.0;
  if (n0 + row < p.Nn && k0 + kk < p.K) { v = b[(n0 + row) * p.sbn + (k0 + kk) * p.sbk]; }
  Bs[kk * TM + row] = v;
}

fn store(m: u32, n: u32, acc: f32) {
  if (m >= p.M || n >= p.Nn) { return; }
  var v = acc;
  if ((p.flags & HAS_BIAS) != 0u) { v = v + bias[n]; }
  let o = m * p.Nn + n;
  if ((p.flags & ACCUMULATE) != 0u) { v = outp[o] + v; }
  outp[o] = v;
}

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let m0 = wid.y * TM;
  let n0 = wid.x * TM;
  var c0 = vec2<f32>(); // row ly: columns lx, lx + 16
  var c1 = vec2<f32>(); // row ly + 16
  for (var k0 = 0u; k0 < p.K; k0 = k0 + TK) {
    loadA(li, m0, k0);
    loadB(li, n0, k0);
    workgroupBarrier();
    for (var kk = 0u; kk < TK; kk = kk + 1u) {
      let bv = vec2<f32>(Bs[kk * TM + lid.x], Bs[kk * TM + lid.x + 16u]);
      c0 = c0 + As[kk * TM + lid.y] * bv;
      c1 = c1 + As[kk * TM + lid.y + 16u] * bv;
    }
    workgroupBarrier();
  }
  let m = m0 + lid.y;
  let n = n0 + lid.x;
  store(m, n, c0.x);
  store(m, n + 16u, c0.y);
  store(m + 16u, n, c1.x);
  store(m + 16u, n + 16u, c1.y);
}`,
};

/** outp (C) += Σ_r x (R,C)[r]; an invocation per column. */
export const columnSumKernel: KernelSpec = {
  name: "columnSum",
  buffers: [f32w("outp"), f32("x")],
  params: { R: "u32", C: "u32" },
  workgroupSize: 64,
  body: `
@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let c = threadIndex(gid, nwg);
  if (c >= p.C) { return; }
  var s = 0.0;
  for (var r = 0u; r < p.R; r = r + 1u) { s = s + x[r * p.C + c]; }
  outp[c] = outp[c] + s;
}`,
};
