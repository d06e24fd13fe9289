// RMSNorm forward and backward (the mirror of ops/norm.ts, the oracle); backward accumulates.
//   inp, out, dout, dinp (N,C); weight, dweight (C); rstd (N) = 1 / sqrt(mean(inp²) + eps).
// Threads split rows for out and dinp, and columns for dweight (a sum over every row), so no two
// write the same value.
import { hsum } from "./vec";
import { rangeOf, rows0, rows1 } from "./split";

export function rmsnormForward(out: usize, rstd: usize, inp: usize, weight: usize, N: i32, C: i32, eps: f32, part: i32, parts: i32): void {
  rangeOf(N, 1, part, parts);
  for (let n = rows0; n < rows1; n++) {
    const x = inp + ((<usize>n * C) << 2), y = out + ((<usize>n * C) << 2);
    let acc = f32x4.splat(0);
    let i = 0;
    for (; i + 4 <= C; i += 4) {
      const v = v128.load(x + (<usize>i << 2));
      acc = f32x4.add(acc, f32x4.mul(v, v));
    }
    let ms = hsum(acc);
    for (; i < C; i++) ms += load<f32>(x + (<usize>i << 2)) * load<f32>(x + (<usize>i << 2));
    const s: f32 = 1 / Mathf.sqrt(ms / <f32>C + eps);
    const sv = f32x4.splat(s);
    i = 0;
    for (; i + 4 <= C; i += 4) {
      const o = <usize>i << 2;
      v128.store(y + o, f32x4.mul(f32x4.mul(v128.load(x + o), sv), v128.load(weight + o)));
    }
    for (; i < C; i++) {
      const o = <usize>i << 2;
      store<f32>(y + o, load<f32>(x + o) * s * load<f32>(weight + o));
    }
    store<f32>(rstd + (<usize>n << 2), s);
  }
}

// dinp[n] += s·w·dout[n] - inp[n]·(Σ w·dout·inp)·s³/C per row; dweight += Σ_n dout[n]·inp[n]·s_n per column.
export function rmsnormBackward(
  dinp: usize, dweight: usize, dout: usize, inp: usize, weight: usize, rstd: usize, N: i32, C: i32, part: i32, parts: i32,
): void {
  rangeOf(N, 1, part, parts);
  for (let n = rows0; n < rows1; n++) {
    const row = (<usize>n * C) << 2;
    const x = inp + row, d = dout + row, dx = dinp + row;
    const s = load<f32>(rstd + (<usize>n << 2));
    let acc = f32x4.splat(0);
    let i = 0;
    for (; i + 4 <= C; i += 4) {
      const o = <usize>i << 2;
      acc = f32x4.add(acc, f32x4.mul(f32x4.mul(v128.load(weight + o), v128.load(d + o)), v128.load(x + o)));
    }
    let gx = hsum(acc);
    for (; i < C; i++) {
      const o = <usize>i << 2;
      gx += load<f32>(weight + o) * load<f32>(d + o) * load<f32>(x + o);
    }
    const k = (gx * s * s * s) / <f32>C;
    const sv = f32x4.splat(s), kv = f32x4.splat(k);
    i = 0;
    for (; i + 4 <= C; i += 4) {
      const o = <usize>i << 2;
      const g = f32x4.sub(f32x4.mul(f32x4.mul(v128.load(weight + o), v128.load(d + o)), sv), f32x4.mul(v128.load(x + o), kv));
      v128.store(dx + o, f32x4.add(v128.load(dx + o), g));
    }
    for (; i < C; i++) {
      const o = <usize>i << 2;
      store<f32>(dx + o, load<f32>(dx + o) + load<f32>(weight + o) * load<f32>(d + o) * s - load<f32>(x + o) * k);
    }
  }
  rangeOf(C, 4, part, parts);
  const c0 = rows0, c1 = rows1;
  for (let n = 0; n < N; n++) {
    const row = (<usize>n * C) << 2;
    const x = inp + row, d = dout + row;
    const s = load<f32>(rstd + (<usize>n << 2));
    const sv = f32x4.splat(s);
    let i = c0;
    for (; i + 4 <= c1; i += 4) {
      const o = <usize>i << 2;
      v128.store(dweight + o, f32x4.add(v128.load(dweight + o), f32x4.mul(f32x4.mul(v128.load(d + o), v128.load(x + o)), sv)));
    }
    for (; i < c1; i++) {
      const o = <usize>i << 2;
      store<f32>(dweight + o, load<f32>(dweight + o) + load<f32>(d + o) * load<f32>(x + o) * s);
    }
  }
}
