// Linear layer kernels, weight in PyTorch nn.Linear layout:
//   forward   out (BT,OC) = inp (BT,C) · weight (OC,C)ᵀ + bias (OC)
//   backward  dinp (BT,C) += dout (BT,OC) · weight (OC,C)
//             dweight (OC,C) += dout (BT,OC)ᵀ · inp (BT,C)
//             dbias (OC) += Σ_bt dout (BT,OC)
// Each function computes the share `part` of `parts` threads; shares never write the same element.
import { gemm } from "./gemm";
import { copy, dot, fill } from "./vec";
import { blockOf, rangeOf, rows0, rows1, cols0, cols1 } from "./split";

// Below this many rows the forward is a matrix-vector product: dot products straight from the weight
// rows beat packing the whole weight for a handful of rows (batched decoding).
const GEMV_ROWS = 4;

export function matmulForward(
  out: usize, inp: usize, weight: usize, bias: usize, BT: i32, C: i32, OC: i32,
  part: i32, parts: i32, scratch: usize,
): void {
  if (BT < GEMV_ROWS) {
    rangeOf(OC, 4, part, parts);
    gemvRows(out, inp, weight, bias, BT, C, OC, rows0, rows1);
    return;
  }
  blockOf(BT, OC, part, parts);
  const n = cols1 - cols0;
  for (let i = rows0; i < rows1; i++) {
    const row = out + ((<usize>i * OC + cols0) << 2);
    if (bias != 0) copy(row, bias + (<usize>cols0 << 2), n);
    else fill(row, 0, n);
  }
  // C = out block, A = inp rows (ars C, aks 1), B(k=c, j=oc) = weight[oc, c] (bks 1, bjs C)
  gemm(
    out + ((<usize>rows0 * OC + cols0) << 2), OC,
    inp + ((<usize>rows0 * C) << 2), C, 1,
    weight + ((<usize>cols0 * C) << 2), 1, C,
    rows1 - rows0, n, C, scratch,
  );
}

// out rows 0..BT, columns o0..o1: bias + one dot product per output channel.
function gemvRows(out: usize, inp: usize, weight: usize, bias: usize, BT: i32, C: i32, OC: i32, o0: i32, o1: i32): void {
  const rowBytes = <usize>C << 2;
  for (let i = 0; i < BT; i++) {
    const x = inp + <usize>i * rowBytes;
    const y = out + ((<usize>i * OC) << 2);
    for (let o = o0; o < o1; o++) {
      const b = bias != 0 ? load<f32>(bias + (<usize>o << 2)) : <f32>0;
      store<f32>(y + (<usize>o << 2), b + dot(x, weight + <usize>o * rowBytes, C));
    }
  }
}

export function matmulBackward(
  dinp: usize, dweight: usize, dbias: usize, dout: usize, inp: usize, weight: usize,
  BT: i32, C: i32, OC: i32, part: i32, parts: i32, scratch: usize,
): void {
  // dinp block: A = dout rows (ars OC, aks 1), B(k=oc, j=c) = weight[oc, c] (bks C, bjs 1)
  blockOf(BT, C, part, parts);
  gemm(
    dinp + ((<usize>rows0 * C + cols0) << 2), C,
    dout + ((<usize>rows0 * OC) << 2), OC, 1,
    weight + (<usize>cols0 << 2), C, 1,
    rows1 - rows0, cols1 - cols0, OC, scratch,
  );
  // dweight block: A(i=oc, k=bt) = dout[bt, oc] (ars 1, aks OC), B(k=bt, j=c) = inp[bt, c] (bks C, bjs 1)
  blockOf(OC, C, part, parts);
  gemm(
    dweight + ((<usize>rows0 * C + cols0) << 2), C,
    dout + (<usize>rows0 << 2), 1, OC,
    inp + (<usize>cols0 << 2), C, 1,
    rows1 - rows0, cols1 - cols0, BT, scratch,
  );
  if (dbias == 0) return;
  rangeOf(OC, 4, part, parts);
  const n = rows1 - rows0;
  const d = dbias + (<usize>rows0 << 2);
  for (let bt = 0; bt < BT; bt++) {
    const src = dout + ((<usize>bt * OC + rows0) << 2);
    let o = 0;
    for (; o + 4 <= n; o += 4) {
      const off = <usize>o << 2;
      v128.store(d + off, f32x4.add(v128.load(d + off), v128.load(src + off)));
    }
    for (; o < n; o++) {
      const off = <usize>o << 2;
      store<f32>(d + off, load<f32>(d + off) + load<f32>(src + off));
    }
  }
}
