// Register-blocked, cache-blocked matrix product on packed panels (the GotoBLAS scheme):
//   C (M,N) += A (M,K) · B (K,N)
// with A(i,k) at a[i*ars + k*aks], B(k,j) at b[k*bks + j*bjs] and C(i,j) at c[i*ldc + j] (f32 elements),
// so one routine serves out = inp·Wᵀ, dinp = dout·W and dweight = doutᵀ·inp without transposing inputs.
// Blocks of B (KC×NC) and A (MC×KC) are copied into zero-padded panels in `scratch`; a 4×8 micro-kernel
// keeps its C tile in eight f32x4 registers and reads both panels sequentially; its step is `madd`
// (fma.as): a fused multiply-add in the relaxed-SIMD build.
import { madd } from "./fma";

const MR = 4; // rows of the micro tile
const NR = 8; // columns of the micro tile (two f32x4)
const KC = 256; // depth of a block
const NC = 256; // columns of a B block (KC×NC floats = 256 KiB: with the A block, within a 512 KiB L2)
const MC = 128; // rows of an A block (MC×KC floats = 128 KiB)
const TILE_BYTES: usize = MR * NR * 4;

/** Bytes of scratch one `gemm` call needs: the edge tile, a packed B block and a packed A block. */
export const GEMM_SCRATCH_BYTES: usize = TILE_BYTES + KC * NC * 4 + MC * KC * 4;

// Stores the transpose of the 4×4 block with rows x0..x3: column i goes to d + i·stride (bytes).
@inline
function storeTransposed(x0: v128, x1: v128, x2: v128, x3: v128, d: usize, stride: usize): void {
  const a = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5), b = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
  const c = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5), e = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
  v128.store(d, v128.shuffle<f32>(a, c, 0, 1, 4, 5));
  v128.store(d + stride, v128.shuffle<f32>(a, c, 2, 3, 6, 7));
  v128.store(d + 2 * stride, v128.shuffle<f32>(b, e, 0, 1, 4, 5));
  v128.store(d + 3 * stride, v128.shuffle<f32>(b, e, 2, 3, 6, 7));
}

// Packs rows i0..i0+mc (mc a multiple of MR; rows >= M read as zero) × depth k0..k0+kc of A into
// panels of MR rows laid out [k][MR].
function packA(dst: usize, a: usize, ars: usize, aks: usize, i0: i32, mc: i32, k0: i32, kc: i32, M: i32): void {
  const rowBytes: usize = <usize>MR << 2;
  const step = aks << 2;
  for (let p = 0; p < mc; p += MR) {
    const panel = dst + ((<usize>p * kc) << 2);
    if (ars == 1 && i0 + p + MR <= M) {
      // the MR values of one k are contiguous (A = doutᵀ in dweight)
      let s = a + ((<usize>(i0 + p) + <usize>k0 * aks) << 2);
      let d = panel;
      for (let k = 0; k < kc; k++) { v128.store(d, v128.load(s)); d += rowBytes; s += step; }
    } else if (aks == 1 && i0 + p + MR <= M) {
      // each row is contiguous in k (A = inp in the forward, dout in dinp): 4×4 blocks transposed
      const s0 = a + ((<usize>(i0 + p) * ars + <usize>k0) << 2), rs = ars << 2;
      let k = 0;
      for (; k + 4 <= kc; k += 4) {
        const o = <usize>k << 2;
        storeTransposed(v128.load(s0 + o), v128.load(s0 + rs + o), v128.load(s0 + 2 * rs + o), v128.load(s0 + 3 * rs + o), panel + (o << 2), rowBytes);
      }
      for (; k < kc; k++) {
        for (let r = 0; r < MR; r++) store<f32>(panel + ((<usize>k * MR + r) << 2), load<f32>(s0 + <usize>r * rs + (<usize>k << 2)));
      }
    } else {
      for (let r = 0; r < MR; r++) {
        const i = i0 + p + r;
        let d = panel + (<usize>r << 2);
        if (i < M) {
          let s = a + ((<usize>i * ars + <usize>k0 * aks) << 2);
          for (let k = 0; k < kc; k++) { store<f32>(d, load<f32>(s)); d += rowBytes; s += step; }
        } else {
          for (let k = 0; k < kc; k++) { store<f32>(d, 0); d += rowBytes; }
        }
      }
    }
  }
}

// Packs depth k0..k0+kc × columns j0..j0+nc (nc a multiple of NR; columns >= N read as zero) of B into
// panels of NR columns laid out [k][NR].
function packB(dst: usize, b: usize, bks: usize, bjs: usize, j0: i32, nc: i32, k0: i32, kc: i32, N: i32): void {
  const rowBytes: usize = <usize>NR << 2;
  const step = bks << 2;
  for (let p = 0; p < nc; p += NR) {
    const panel = dst + ((<usize>p * kc) << 2);
    if (bjs == 1 && j0 + p + NR <= N) {
      // the NR values of one k are contiguous (B = W in dinp, B = inp in dweight)
      let s = b + ((<usize>k0 * bks + <usize>(j0 + p)) << 2);
      let d = panel;
      for (let k = 0; k < kc; k++) {
        v128.store(d, v128.load(s));
        v128.store(d, v128.load(s, 16), 16);
        d += rowBytes;
        s += step;
      }
    } else if (bks == 1 && j0 + p + NR <= N) {
      // each column is contiguous in k (B = Wᵀ in the forward): two 4×4 blocks transposed per 4 k
      const s0 = b + ((<usize>k0 + <usize>(j0 + p) * bjs) << 2), cs = bjs << 2, s4 = s0 + 4 * cs;
      let k = 0;
      for (; k + 4 <= kc; k += 4) {
        const o = <usize>k << 2;
        const d = panel + ((<usize>k * NR) << 2);
        storeTransposed(v128.load(s0 + o), v128.load(s0 + cs + o), v128.load(s0 + 2 * cs + o), v128.load(s0 + 3 * cs + o), d, rowBytes);
        storeTransposed(v128.load(s4 + o), v128.load(s4 + cs + o), v128.load(s4 + 2 * cs + o), v128.load(s4 + 3 * cs + o), d + 16, rowBytes);
      }
      for (; k < kc; k++) {
        for (let r = 0; r < NR; r++) store<f32>(panel + ((<usize>k * NR + r) << 2), load<f32>(s0 + <usize>r * cs + (<usize>k << 2)));
      }
    } else {
      for (let r = 0; r < NR; r++) {
        const j = j0 + p + r;
        let d = panel + (<usize>r << 2);
        if (j < N) {
          let s = b + ((<usize>k0 * bks + <usize>j * bjs) << 2);
          for (let k = 0; k < kc; k++) { store<f32>(d, load<f32>(s)); d += rowBytes; s += step; }
        } else {
          for (let k = 0; k < kc; k++) { store<f32>(d, 0); d += rowBytes; }
        }
      }
    }
  }
}

// How the micro-kernel broadcasts each value of the A panel across a vector: false by a broadcast load
// (`v128.load32_splat`), true by one vector load and lane shuffles. Which is faster depends on the
// engine's code generator, not on the processor alone: V8 11 (Node 20) turns the broadcast load into one
// instruction and runs it at the FMA units' rate, V8 15 (Deno 2.9) runs the shuffles at about 1.5x its
// broadcast loads. The loader times both once (`timeMicroKernel`) and passes its pick with every job.
export let splatByShuffle = false;

// C tile (rows × cols, at most MR × NR) += A panel · B panel over kc steps of depth.
// A full tile is updated in place; an edge tile goes through `tile` so nothing outside C is touched.
// One step per iteration: unrolled further, V8 hoists the loads of both steps and spills accumulators.
@inline
function microKernel(pa: usize, pb: usize, kc: i32, c: usize, ldcBytes: usize, rows: i32, cols: i32, tile: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  if (splatByShuffle) {
    for (let k = 0; k < kc; k++) {
      const b0 = v128.load(pb), b1 = v128.load(pb, 16), a = v128.load(pa);
      let x = i32x4.shuffle(a, a, 0, 0, 0, 0);
      c00 = madd(x, b0, c00); c01 = madd(x, b1, c01);
      x = i32x4.shuffle(a, a, 1, 1, 1, 1);
      c10 = madd(x, b0, c10); c11 = madd(x, b1, c11);
      x = i32x4.shuffle(a, a, 2, 2, 2, 2);
      c20 = madd(x, b0, c20); c21 = madd(x, b1, c21);
      x = i32x4.shuffle(a, a, 3, 3, 3, 3);
      c30 = madd(x, b0, c30); c31 = madd(x, b1, c31);
      pa += 16;
      pb += 32;
    }
  } else {
    for (let k = 0; k < kc; k++) {
      const b0 = v128.load(pb), b1 = v128.load(pb, 16);
      let x = v128.load32_splat(pa);
      c00 = madd(x, b0, c00); c01 = madd(x, b1, c01);
      x = v128.load32_splat(pa, 4);
      c10 = madd(x, b0, c10); c11 = madd(x, b1, c11);
      x = v128.load32_splat(pa, 8);
      c20 = madd(x, b0, c20); c21 = madd(x, b1, c21);
      x = v128.load32_splat(pa, 12);
      c30 = madd(x, b0, c30); c31 = madd(x, b1, c31);
      pa += 16;
      pb += 32;
    }
  }
  if (rows == MR && cols == NR) {
    v128.store(c, f32x4.add(v128.load(c), c00)); v128.store(c, f32x4.add(v128.load(c, 16), c01), 16);
    c += ldcBytes;
    v128.store(c, f32x4.add(v128.load(c), c10)); v128.store(c, f32x4.add(v128.load(c, 16), c11), 16);
    c += ldcBytes;
    v128.store(c, f32x4.add(v128.load(c), c20)); v128.store(c, f32x4.add(v128.load(c, 16), c21), 16);
    c += ldcBytes;
    v128.store(c, f32x4.add(v128.load(c), c30)); v128.store(c, f32x4.add(v128.load(c, 16), c31), 16);
    return;
  }
  v128.store(tile, c00); v128.store(tile, c01, 16); v128.store(tile, c10, 32); v128.store(tile, c11, 48);
  v128.store(tile, c20, 64); v128.store(tile, c21, 80); v128.store(tile, c30, 96); v128.store(tile, c31, 112);
  for (let r = 0; r < rows; r++) {
    const cr = c + <usize>r * ldcBytes;
    const tr = tile + ((<usize>r * NR) << 2);
    for (let q = 0; q < cols; q++) {
      const o = <usize>q << 2;
      store<f32>(cr + o, load<f32>(cr + o) + load<f32>(tr + o));
    }
  }
}

/** C (M,N) += A (M,K) · B (K,N) with the strides described at the top; `scratch` holds GEMM_SCRATCH_BYTES. */
export function gemm(
  c: usize, ldc: usize, a: usize, ars: usize, aks: usize, b: usize, bks: usize, bjs: usize,
  M: i32, N: i32, K: i32, scratch: usize,
): void {
  if (M <= 0 || N <= 0 || K <= 0) return;
  const tile = scratch;
  const packedB = scratch + TILE_BYTES;
  const packedA = packedB + KC * NC * 4;
  const ldcBytes = ldc << 2;
  for (let j0 = 0; j0 < N; j0 += NC) {
    const nc = min(NC, N - j0);
    const ncPadded = (nc + NR - 1) / NR * NR;
    for (let k0 = 0; k0 < K; k0 += KC) {
      const kc = min(KC, K - k0);
      packB(packedB, b, bks, bjs, j0, ncPadded, k0, kc, N);
      for (let i0 = 0; i0 < M; i0 += MC) {
        const mc = min(MC, M - i0);
        packA(packedA, a, ars, aks, i0, (mc + MR - 1) / MR * MR, k0, kc, M);
        for (let jr = 0; jr < nc; jr += NR) {
          const pb = packedB + ((<usize>jr * kc) << 2);
          const cols = min(NR, nc - jr);
          for (let ir = 0; ir < mc; ir += MR) {
            const pa = packedA + ((<usize>ir * kc) << 2);
            const pc = c + <usize>(i0 + ir) * ldcBytes + (<usize>(j0 + jr) << 2);
            microKernel(pa, pb, kc, pc, ldcBytes, min(MR, mc - ir), cols, tile);
          }
        }
      }
    }
  }
}

/**
 * Runs the micro-kernel `reps` times over KC steps of the panels at the start of `scratch` (the bytes
 * there are used as they are; GEMM_SCRATCH_BYTES of it), broadcasting as `shuffle` says, adding into a
 * tile inside `scratch`. For the loader to time the two ways of broadcasting.
 */
export function timeMicroKernel(shuffle: bool, scratch: usize, reps: i32): void {
  splatByShuffle = shuffle;
  const tile = scratch;
  const pb = scratch + TILE_BYTES;
  const pa = pb + KC * NC * 4;
  for (let r = 0; r < reps; r++) microKernel(pa, pb, KC, tile, NR << 2, MR, NR, tile);
}
