/**
 * Index kernels: token (+ position) embedding and its backward, row gather, KV-cache write, rotary
 * positions. Shapes as in `../../cpu/ops/embedding.ts`, `attention.ts` and `rope.ts`.
 *
 * The embedding backward scatters rows into dwte where tokens repeat. WGSL has no float atomics, so
 * it runs deterministically in two steps: `chainKernel` links each row to the next row with the same
 * id and marks the first, then `chainAccumulateKernel` lets only the first row of each id sum its chain.
 */
import { elementwise, f32, f32w, i32, type KernelSpec } from "../kernel.ts";

/** outp (N,C) = wte[tokens[n]] (+ wpe[positions[n]] when HAS_WPE); p.n = N*C. */
export const encoderForwardKernel: KernelSpec = elementwise(
  "encoderForward", [f32w("outp"), i32("tokens"), i32("positions"), f32("wte"), f32("wpe")], { C: "u32" },
  `let row = i / p.C;
  let c = i % p.C;
  var x = wte[u32(tokens[row]) * p.C + c];
  if (HAS_WPE) { x = x + wpe[u32(positions[row]) * p.C + c]; }
  outp[i] = x;`,
);

/** chain (2N) int32: chain[n] = next row with ids[n] (or -1), chain[N+n] = 1 when n is the first; p.n = N. */
export const chainKernel: KernelSpec = elementwise(
  "chain", [{ name: "chain", type: "i32", write: true }, i32("ids")], {},
  `let id = ids[i];
  var next = -1;
  for (var m = i + 1u; m < p.n; m = m + 1u) {
    if (ids[m] == id) { next = i32(m); break; }
  }
  var first = 1;
  for (var m = 0u; m < i; m = m + 1u) {
    if (ids[m] == id) { first = 0; break; }
  }
  chain[i] = next;
  chain[p.n + i] = first;`,
);

/** dw (rows,C) [ids[n]] += Σ over the chain of n of dout (N,C), for first rows n; p.n = N*C, p.N = N. */
export const chainAccumulateKernel: KernelSpec = elementwise(
  "chainAccumulate", [f32w("dw"), f32("dout"), i32("ids"), i32("chain")], { N: "u32", C: "u32" },
  `let row = i / p.C;
  let c = i % p.C;
  if (chain[p.N + row] == 0) { return; }
  var s = 0.0;
  var m = i32(row);
  loop {
    s = s + dout[u32(m) * p.C + c];
    m = chain[u32(m)];
    if (m < 0) { break; }
  }
  let o = u32(ids[row]) * p.C + c;
  dw[o] = dw[o] + s;`,
);

/** outp (M,C) = inp[index[m]]; p.n = M*C. */
export const gatherRowsKernel: KernelSpec = elementwise(
  "gatherRows", [f32w("outp"), f32("inp"), i32("index")], { C: "u32" },
  `outp[i] = inp[u32(index[i / p.C]) * p.C + i % p.C];`,
);

/** cache (Bc,maxT,D)[rows[b], offsets[b]+t] = inp (B,T,D)[b,t], positions >= maxT skipped; p.n = B*T*D. */
export const cacheWriteKernel: KernelSpec = elementwise(
  "cacheWrite", [f32w("cache"), f32("inp"), i32("rows"), i32("offsets")], { T: "u32", maxT: "u32", D: "u32" },
  `let d = i % p.D;
  let t = (i / p.D) % p.T;
  let b = i / (p.D * p.T);
  let pos = offsets[b] + i32(t);
  if (pos < 0 || pos >= i32(p.maxT)) { return; }
  cache[(u32(rows[b]) * p.maxT + u32(pos)) * p.D + d] = inp[i];`,
);

/** Rotates x (N,nHeads,hs) in place by sign·angle of positions (N); table (maxT,hs) = cos | sin; p.n = N*nHeads*hs/2. */
export const ropeKernel: KernelSpec = elementwise(
  "rope", [f32w("x"), i32("positions"), f32("table")], { nHeads: "u32", hs: "u32", sign: "f32" },
  `let half = p.hs / 2u;
  let j = i % half;
  let head = (i / half) % p.nHeads;
  let n = i / (half * p.nHeads);
  let row = u32(positions[n]) * p.hs;
  let cosv = table[row + j];
  let sinv = p.sign * table[row + half + j];
  let o = (n * p.nHeads + head) * p.hs;
  let x1 = x[o + j];
  let x2 = x[o + half + j];
  x[o + j] = x1 * cosv - x2 * sinv;
  x[o + half + j] = x2 * cosv + x1 * sinv;`,
);
