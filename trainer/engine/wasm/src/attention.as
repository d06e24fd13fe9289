// Causal softmax attention with padding and grouped-query heads:
//   q (B,T,NH,hs), k and v (B,T,NKV,hs), out (B,T,NH*hs), att (B,NH,T,T) probabilities, lengths (B) i32.
// Scale 1/sqrt(hs); query head h reads key/value head h / (NH/NKV); keys at positions >= lengths[b]
// are masked; query rows t >= lengths[b] give zero output and a zero att row.
// Threads split units (b, kv head): a unit owns every query head of its group, so no two threads
// write the same dk or dv row.
import { axpy2, dot, dot4, expShift, fill, scale, weightedRows } from "./vec";
import { rangeOf, rows0, rows1 } from "./split";

// row[j] = s · (x · key_j) for keys j = 0..n-1 at key0 + j·stride (bytes); returns the largest.
function scores(row: usize, x: usize, key0: usize, stride: usize, n: i32, hs: i32, s: f32): f32 {
  let j = 0;
  let top: f32 = -Infinity;
  if ((hs & 3) == 0) {
    const sv = f32x4.splat(s);
    let topv = f32x4.splat(-Infinity);
    for (; j + 4 <= n; j += 4) {
      const v = f32x4.mul(dot4(x, key0 + <usize>j * stride, stride, hs), sv);
      v128.store(row + (<usize>j << 2), v);
      topv = f32x4.max(topv, v);
    }
    top = max(max(f32x4.extract_lane(topv, 0), f32x4.extract_lane(topv, 1)), max(f32x4.extract_lane(topv, 2), f32x4.extract_lane(topv, 3)));
  }
  for (; j < n; j++) {
    const v = dot(x, key0 + <usize>j * stride, hs) * s;
    store<f32>(row + (<usize>j << 2), v);
    top = max(top, v);
  }
  return top;
}

export function attentionForward(
  out: usize, att: usize, q: usize, k: usize, v: usize, lengths: usize,
  B: i32, T: i32, NH: i32, NKV: i32, hs: i32, part: i32, parts: i32,
): void {
  const group = NH / NKV;
  const s: f32 = 1 / Mathf.sqrt(<f32>hs);
  const kvStride = (<usize>NKV * hs) << 2; // bytes from one position to the next in k, v
  rangeOf(B * NKV, 1, part, parts);
  for (let unit = rows0; unit < rows1; unit++) {
    const b = unit / NKV, kvh = unit % NKV;
    const L = min(max(load<i32>(lengths + (<usize>b << 2)), 0), T);
    const kvOffset = (((<usize>b * T * NKV) + kvh) * hs) << 2;
    const k0 = k + kvOffset, v0 = v + kvOffset;
    for (let h = kvh * group; h < (kvh + 1) * group; h++) {
      for (let t = 0; t < T; t++) {
        const attRow = att + ((((<usize>b * NH + h) * T) + t) * T << 2);
        const outRow = out + ((((<usize>b * T + t) * NH) + h) * hs << 2);
        if (t >= L) {
          fill(attRow, 0, T);
          fill(outRow, 0, hs);
          continue;
        }
        const qRow = q + ((((<usize>b * T + t) * NH) + h) * hs << 2);
        const top = scores(attRow, qRow, k0, kvStride, t + 1, hs, s);
        const sum = expShift(attRow, top, t + 1);
        scale(attRow, 1 / sum, t + 1);
        fill(attRow + (<usize>(t + 1) << 2), 0, T - t - 1);
        weightedRows(outRow, attRow, v0, kvStride, t + 1, hs, false);
      }
    }
  }
}

// Per (b, h) and query row t < L, with P = att row, dO = dout row:
//   dP[t2] = dO · v[t2]                      (t2 <= t)
//   dS[t2] = P[t2] (dP[t2] - Σ_j P[j] dP[j]) / sqrt(hs)
//   dv[t2] += P[t2] dO,  dk[t2] += dS[t2] q[t],  dq[t] += Σ_t2 dS[t2] k[t2]
// `scratch` holds T floats (the dP row, turned into dS in place).
export function attentionBackward(
  dq: usize, dk: usize, dv: usize, dout: usize, q: usize, k: usize, v: usize, att: usize, lengths: usize,
  B: i32, T: i32, NH: i32, NKV: i32, hs: i32, part: i32, parts: i32, scratch: usize,
): void {
  const group = NH / NKV;
  const s: f32 = 1 / Mathf.sqrt(<f32>hs);
  const kvStride = (<usize>NKV * hs) << 2;
  const dS = scratch;
  rangeOf(B * NKV, 1, part, parts);
  for (let unit = rows0; unit < rows1; unit++) {
    const b = unit / NKV, kvh = unit % NKV;
    const L = min(max(load<i32>(lengths + (<usize>b << 2)), 0), T);
    const kvOffset = (((<usize>b * T * NKV) + kvh) * hs) << 2;
    const k0 = k + kvOffset, v0 = v + kvOffset, dk0 = dk + kvOffset, dv0 = dv + kvOffset;
    for (let h = kvh * group; h < (kvh + 1) * group; h++) {
      for (let t = 0; t < L; t++) {
        const attRow = att + ((((<usize>b * NH + h) * T) + t) * T << 2);
        const rowOffset = ((((<usize>b * T + t) * NH) + h) * hs) << 2;
        const doutRow = dout + rowOffset, qRow = q + rowOffset, dqRow = dq + rowOffset;
        const n = t + 1;
        scores(dS, doutRow, v0, kvStride, n, hs, 1);
        const weighted = dot(attRow, dS, n);
        // dS = P (dP - weighted) s, four at a time
        const wv = f32x4.splat(weighted), sv = f32x4.splat(s);
        let j = 0;
        for (; j + 4 <= n; j += 4) {
          const o = <usize>j << 2;
          v128.store(dS + o, f32x4.mul(f32x4.mul(v128.load(attRow + o), f32x4.sub(v128.load(dS + o), wv)), sv));
        }
        for (; j < n; j++) {
          const o = <usize>j << 2;
          store<f32>(dS + o, load<f32>(attRow + o) * (load<f32>(dS + o) - weighted) * s);
        }
        for (let t2 = 0; t2 < n; t2++) {
          const o = <usize>t2 * kvStride;
          axpy2(dv0 + o, load<f32>(attRow + (<usize>t2 << 2)), doutRow, dk0 + o, load<f32>(dS + (<usize>t2 << 2)), qRow, hs);
        }
        weightedRows(dqRow, dS, k0, kvStride, n, hs, true);
      }
    }
  }
}

// One query per row over a KV cache (decode, and chunked prefill where several rows of a chunk share a
// cache row): out and q (B,NH*hs), att (B,NH,maxT) probabilities, kCache and vCache (Bc,maxT,NKV*hs),
// rows and lengths (B) i32; row b reads cache row rows[b], positions 0..lengths[b]-1 (at most maxT).
// Threads split units (b, h).
export function attentionDecode(
  out: usize, att: usize, q: usize, kCache: usize, vCache: usize, rows: usize, lengths: usize,
  B: i32, maxT: i32, NH: i32, NKV: i32, hs: i32, part: i32, parts: i32,
): void {
  const group = NH / NKV;
  const s: f32 = 1 / Mathf.sqrt(<f32>hs);
  const kvStride = (<usize>NKV * hs) << 2;
  rangeOf(B * NH, 1, part, parts);
  for (let unit = rows0; unit < rows1; unit++) {
    const b = unit / NH, h = unit % NH;
    const L = min(max(load<i32>(lengths + (<usize>b << 2)), 0), maxT);
    const row = <usize>load<i32>(rows + (<usize>b << 2));
    const kvOffset = ((row * <usize>maxT * NKV + <usize>(h / group)) * hs) << 2;
    const attRow = att + ((<usize>unit * maxT) << 2);
    const outRow = out + ((<usize>unit * hs) << 2);
    if (L == 0) {
      fill(outRow, 0, hs);
      continue;
    }
    const top = scores(attRow, q + ((<usize>unit * hs) << 2), kCache + kvOffset, kvStride, L, hs, s);
    const sum = expShift(attRow, top, L);
    scale(attRow, 1 / sum, L);
    weightedRows(outRow, attRow, vCache + kvOffset, kvStride, L, hs, false);
  }
}
