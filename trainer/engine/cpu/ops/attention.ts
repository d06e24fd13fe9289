/**
 * Causal self-attention with padding (per-row lengths) and grouped-query heads, plus the KV-cache
 * decode path. Scale 1/sqrt(hs); query head h reads key/value head floor(h / (NH/NKV)).
 * Keys at positions >= lengths[b] are masked; query rows >= lengths[b] output zeros; masked entries of
 * the kept probabilities `att` are zero.
 */
import { type Floats, scratch } from "./floats.ts";
import { gemmNT, transpose } from "./gemm.ts";

/** dst (len,hs) = rows 0..len-1 of head `head` in src (B,T,nHeads,hs), batch row b. */
function gatherHead(dst: Floats, src: Floats, b: number, head: number, len: number, T: number, nHeads: number, hs: number): void {
  for (let t = 0; t < len; t++) {
    const s = ((b * T + t) * nHeads + head) * hs;
    for (let i = 0; i < hs; i++) dst[t * hs + i] = src[s + i];
  }
}

/** dst (B,T,nHeads,hs) head `head`, rows 0..len-1 += src (len,hs). */
function scatterAddHead(dst: Floats, src: Floats, b: number, head: number, len: number, T: number, nHeads: number, hs: number): void {
  for (let t = 0; t < len; t++) {
    const d = ((b * T + t) * nHeads + head) * hs;
    for (let i = 0; i < hs; i++) dst[d + i] += src[t * hs + i];
  }
}

/**
 * out (B,T,NH*hs), att (B,NH,T,T) softmax probabilities kept for backward,
 * from q (B,T,NH,hs), k (B,T,NKV,hs), v (B,T,NKV,hs). Per (b, h) over the len valid rows:
 * S = Q Kᵀ (len,len), P = causal softmax(S / sqrt(hs)), O = P V, both products through `gemmNT`.
 */
export function attentionForward(
  out: Floats, att: Floats,
  q: Floats, k: Floats, v: Floats, lengths: Int32Array,
  B: number, T: number, NH: number, NKV: number, hs: number,
): void {
  const scale = 1 / Math.sqrt(hs);
  const group = NH / NKV;
  const Q = scratch(out, "attention.Q", T * hs), K = scratch(out, "attention.K", T * hs);
  const Vt = scratch(out, "attention.Vt", T * hs), Vs = scratch(out, "attention.V", T * hs);
  const S = scratch(out, "attention.S", T * T), O = scratch(out, "attention.O", T * hs);
  att.fill(0, 0, B * NH * T * T);
  out.fill(0, 0, B * T * NH * hs);
  for (let b = 0; b < B; b++) {
    const len = Math.min(lengths[b], T);
    if (len <= 0) continue;
    for (let h = 0; h < NH; h++) {
      const kvh = Math.floor(h / group);
      gatherHead(Q, q, b, h, len, T, NH, hs);
      if (h % group === 0) {
        gatherHead(K, k, b, kvh, len, T, NKV, hs);
        gatherHead(Vs, v, b, kvh, len, T, NKV, hs);
        transpose(Vt, Vs, len, hs);
      }
      gemmNT(S, Q, K, null, len, hs, len, false);
      // causal softmax of each row t over keys 0..t, written to att and kept in S (zeros above the diagonal)
      const a0 = (b * NH + h) * T * T;
      for (let t = 0; t < len; t++) {
        const r = t * len;
        let max = -Infinity;
        for (let t2 = 0; t2 <= t; t2++) if (S[r + t2] > max) max = S[r + t2];
        let sum = 0;
        for (let t2 = 0; t2 <= t; t2++) {
          const e = Math.exp((S[r + t2] - max) * scale);
          S[r + t2] = e;
          sum += e;
        }
        const inv = 1 / sum;
        for (let t2 = 0; t2 <= t; t2++) {
          S[r + t2] *= inv;
          att[a0 + t * T + t2] = S[r + t2];
        }
        for (let t2 = t + 1; t2 < len; t2++) S[r + t2] = 0;
      }
      gemmNT(O, S, Vt, null, len, len, hs, false);
      scatterAddHead(out, O, b, h, len, T, NH, hs);
    }
  }
}

/**
 * Accumulates dq (B,T,NH,hs), dk (B,T,NKV,hs), dv (B,T,NKV,hs) from dout (B,T,NH*hs). Per (b, h):
 * dP = dO Vᵀ, dV += Pᵀ dO, dS = P ⊙ (dP - rowsum(P ⊙ dP)) / sqrt(hs), dQ += dS K, dK += dSᵀ Q.
 */
export function attentionBackward(
  dq: Floats, dk: Floats, dv: Floats,
  dout: Floats, q: Floats, k: Floats, v: Floats, att: Floats, lengths: Int32Array,
  B: number, T: number, NH: number, NKV: number, hs: number,
): void {
  const scale = 1 / Math.sqrt(hs);
  const group = NH / NKV;
  const s = (slot: string, n: number) => scratch(dq, `attention.${slot}`, n);
  const Q = s("Q", T * hs), Qt = s("Qt", T * hs), K = s("K", T * hs), Kt = s("Kt", T * hs), V = s("V", T * hs);
  const dO = s("dO", T * hs), dOt = s("dOt", T * hs), G = s("G", T * hs);
  const P = s("P", T * T), Pt = s("Pt", T * T), dP = s("dP", T * T), dSt = s("dSt", T * T);
  for (let b = 0; b < B; b++) {
    const len = Math.min(lengths[b], T);
    if (len <= 0) continue;
    for (let h = 0; h < NH; h++) {
      const kvh = Math.floor(h / group);
      gatherHead(Q, q, b, h, len, T, NH, hs);
      transpose(Qt, Q, len, hs);
      gatherHead(dO, dout, b, h, len, T, NH, hs);
      transpose(dOt, dO, len, hs);
      if (h % group === 0) {
        gatherHead(K, k, b, kvh, len, T, NKV, hs);
        transpose(Kt, K, len, hs);
        gatherHead(V, v, b, kvh, len, T, NKV, hs);
      }
      const a0 = (b * NH + h) * T * T;
      for (let t = 0; t < len; t++) {
        for (let t2 = 0; t2 < len; t2++) P[t * len + t2] = t2 <= t ? att[a0 + t * T + t2] : 0;
      }
      transpose(Pt, P, len, len);
      // through O = P V
      gemmNT(dP, dO, V, null, len, hs, len, false);
      gemmNT(G, Pt, dOt, null, len, len, hs, false);
      scatterAddHead(dv, G, b, kvh, len, T, NKV, hs);
      // through the softmax: dP becomes dS in place
      for (let t = 0; t < len; t++) {
        const r = t * len;
        let dot = 0;
        for (let t2 = 0; t2 <= t; t2++) dot += P[r + t2] * dP[r + t2];
        for (let t2 = 0; t2 <= t; t2++) dP[r + t2] = P[r + t2] * (dP[r + t2] - dot) * scale;
        for (let t2 = t + 1; t2 < len; t2++) dP[r + t2] = 0;
      }
      // through S = Q Kᵀ
      gemmNT(G, dP, Kt, null, len, len, hs, false);
      scatterAddHead(dq, G, b, h, len, T, NH, hs);
      transpose(dSt, dP, len, len);
      gemmNT(G, dSt, Qt, null, len, len, hs, false);
      scatterAddHead(dk, G, b, kvh, len, T, NKV, hs);
    }
  }
}

/**
 * Copies inp (B,T,D) into cache (Bc,maxT,D) at cache row rows[b], positions offsets[b] + t
 * (positions >= maxT are skipped).
 */
export function cacheWrite(
  cache: Floats, inp: Floats, rows: Int32Array, offsets: Int32Array,
  B: number, T: number, maxT: number, D: number,
): void {
  for (let b = 0; b < B; b++) {
    const row = rows[b], start = offsets[b];
    let count = Math.min(T, maxT - start);
    if (count <= 0) continue;
    // one-token rows writing consecutive positions of one cache row (a prefill chunk) are one run
    let last = b;
    if (T === 1) {
      while (last + 1 < B && rows[last + 1] === row && offsets[last + 1] === start + count && start + count < maxT) {
        last += 1;
        count += 1;
      }
    }
    const src = b * T * D, dst = (row * maxT + start) * D, n = count * D;
    if (n >= 64) cache.set(inp.subarray(src, src + n), dst);
    else for (let j = 0; j < n; j++) cache[dst + j] = inp[src + j];
    b = last;
  }
}

/**
 * One new query per row over a KV cache: out (B,NH*hs), att (B,NH,maxT) scratch probabilities,
 * from q (B,NH*hs), kCache/vCache (Bc,maxT,NKV*hs); row b reads cache row rows[b], positions 0..lengths[b]-1.
 * Four cached positions go together, so each loop carries four independent sums.
 */
export function attentionDecode(
  out: Floats, att: Floats,
  q: Floats, kCache: Floats, vCache: Floats, rows: Int32Array, lengths: Int32Array,
  B: number, maxT: number, NH: number, NKV: number, hs: number,
): void {
  const scale = 1 / Math.sqrt(hs);
  const group = NH / NKV;
  const D = NKV * hs;
  for (let b = 0; b < B; b++) {
    const len = Math.min(lengths[b], maxT);
    const base = rows[b] * maxT * D;
    for (let h = 0; h < NH; h++) {
      const head = Math.floor(h / group) * hs;
      const qo = (b * NH + h) * hs;
      const a = (b * NH + h) * maxT;
      // scores q · k for every cached position
      let t2 = 0;
      for (; t2 + 3 < len; t2 += 4) {
        const k0 = base + t2 * D + head, k1 = k0 + D, k2 = k1 + D, k3 = k2 + D;
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (let i = 0; i < hs; i++) {
          const x = q[qo + i];
          s0 += x * kCache[k0 + i]; s1 += x * kCache[k1 + i]; s2 += x * kCache[k2 + i]; s3 += x * kCache[k3 + i];
        }
        att[a + t2] = s0 * scale; att[a + t2 + 1] = s1 * scale; att[a + t2 + 2] = s2 * scale; att[a + t2 + 3] = s3 * scale;
      }
      for (; t2 < len; t2++) {
        const k0 = base + t2 * D + head;
        let s = 0;
        for (let i = 0; i < hs; i++) s += q[qo + i] * kCache[k0 + i];
        att[a + t2] = s * scale;
      }
      // softmax
      let max = -Infinity;
      for (let t = 0; t < len; t++) if (att[a + t] > max) max = att[a + t];
      let sum = 0;
      for (let t = 0; t < len; t++) {
        const e = Math.exp(att[a + t] - max);
        att[a + t] = e;
        sum += e;
      }
      const inv = 1 / sum;
      for (let t = 0; t < len; t++) att[a + t] *= inv;
      // weighted sum of cached values
      out.fill(0, qo, qo + hs);
      t2 = 0;
      for (; t2 + 3 < len; t2 += 4) {
        const v0 = base + t2 * D + head, v1 = v0 + D, v2 = v1 + D, v3 = v2 + D;
        const p0 = att[a + t2], p1 = att[a + t2 + 1], p2 = att[a + t2 + 2], p3 = att[a + t2 + 3];
        for (let i = 0; i < hs; i++) {
          out[qo + i] += p0 * vCache[v0 + i] + p1 * vCache[v1 + i] + p2 * vCache[v2 + i] + p3 * vCache[v3 + i];
        }
      }
      for (; t2 < len; t2++) {
        const v0 = base + t2 * D + head, p = att[a + t2];
        for (let i = 0; i < hs; i++) out[qo + i] += p * vCache[v0 + i];
      }
    }
  }
}
