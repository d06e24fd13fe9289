// Row helpers on f32 arrays in memory (pointers in bytes, lengths in elements): f32x4 over the
// multiple-of-4 part, scalar over the tail. Rows need no alignment.
import { madd } from "./fma";

@inline
export function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** Σ x[i]·y[i] over n elements. */
export function dot(x: usize, y: usize, n: i32): f32 {
  let acc0 = f32x4.splat(0), acc1 = f32x4.splat(0);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const o = <usize>i << 2;
    acc0 = madd(v128.load(x + o), v128.load(y + o), acc0);
    acc1 = madd(v128.load(x + o, 16), v128.load(y + o, 16), acc1);
  }
  if (i + 4 <= n) {
    const o = <usize>i << 2;
    acc0 = madd(v128.load(x + o), v128.load(y + o), acc0);
    i += 4;
  }
  let sum = hsum(f32x4.add(acc0, acc1));
  for (; i < n; i++) sum += load<f32>(x + (<usize>i << 2)) * load<f32>(y + (<usize>i << 2));
  return sum;
}

/**
 * The dot products of x with four rows y + j·stride (j = 0..3, stride in bytes), as one f32x4;
 * n must be a multiple of 4. The four sums are reduced together by two rounds of shuffles.
 */
export function dot4(x: usize, y: usize, stride: usize, n: i32): v128 {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  const y1 = y + stride, y2 = y1 + stride, y3 = y2 + stride;
  const bytes = <usize>n << 2;
  for (let o: usize = 0; o < bytes; o += 16) {
    const xv = v128.load(x + o);
    a0 = madd(xv, v128.load(y + o), a0);
    a1 = madd(xv, v128.load(y1 + o), a1);
    a2 = madd(xv, v128.load(y2 + o), a2);
    a3 = madd(xv, v128.load(y3 + o), a3);
  }
  const t0 = f32x4.add(v128.shuffle<f32>(a0, a1, 0, 4, 1, 5), v128.shuffle<f32>(a0, a1, 2, 6, 3, 7));
  const t1 = f32x4.add(v128.shuffle<f32>(a2, a3, 0, 4, 1, 5), v128.shuffle<f32>(a2, a3, 2, 6, 3, 7));
  return f32x4.add(v128.shuffle<f32>(t0, t1, 0, 1, 4, 5), v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
}

/**
 * out[0..n) (+)= Σ_j w[j] · row_j over m rows row_j = y + j·stride (stride in bytes): overwrites out,
 * or adds to it when `accumulate`. Sixteen columns at a time stay in registers across the rows.
 */
export function weightedRows(out: usize, w: usize, y: usize, stride: usize, m: i32, n: i32, accumulate: bool): void {
  if (n & 3) {
    if (!accumulate) fill(out, 0, n);
    for (let j = 0; j < m; j++) axpy(out, load<f32>(w + (<usize>j << 2)), y + <usize>j * stride, n);
    return;
  }
  const bytes = <usize>n << 2;
  let o: usize = 0;
  for (; o + 64 <= bytes; o += 64) {
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    if (accumulate) {
      a0 = v128.load(out + o); a1 = v128.load(out + o, 16); a2 = v128.load(out + o, 32); a3 = v128.load(out + o, 48);
    }
    let row = y + o;
    for (let j = 0; j < m; j++) {
      const wj = v128.load32_splat(w + (<usize>j << 2));
      a0 = madd(wj, v128.load(row), a0);
      a1 = madd(wj, v128.load(row, 16), a1);
      a2 = madd(wj, v128.load(row, 32), a2);
      a3 = madd(wj, v128.load(row, 48), a3);
      row += stride;
    }
    v128.store(out + o, a0); v128.store(out + o, a1, 16); v128.store(out + o, a2, 32); v128.store(out + o, a3, 48);
  }
  for (; o < bytes; o += 16) {
    let a = accumulate ? v128.load(out + o) : f32x4.splat(0);
    let row = y + o;
    for (let j = 0; j < m; j++) {
      a = madd(v128.load32_splat(w + (<usize>j << 2)), v128.load(row), a);
      row += stride;
    }
    v128.store(out + o, a);
  }
}

/** y1[i] += a1·x1[i] and y2[i] += a2·x2[i] over n elements, in one pass. */
@inline
export function axpy2(y1: usize, a1: f32, x1: usize, y2: usize, a2: f32, x2: usize, n: i32): void {
  const v1 = f32x4.splat(a1), v2 = f32x4.splat(a2);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(y1 + o, madd(v1, v128.load(x1 + o), v128.load(y1 + o)));
    v128.store(y2 + o, madd(v2, v128.load(x2 + o), v128.load(y2 + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y1 + o, load<f32>(y1 + o) + a1 * load<f32>(x1 + o));
    store<f32>(y2 + o, load<f32>(y2 + o) + a2 * load<f32>(x2 + o));
  }
}

/** y[i] += a·x[i] over n elements. */
export function axpy(y: usize, a: f32, x: usize, n: i32): void {
  const av = f32x4.splat(a);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, madd(av, v128.load(x + o), v128.load(y + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, load<f32>(y + o) + a * load<f32>(x + o));
  }
}

/** x[i] = value over n elements. */
export function fill(x: usize, value: f32, n: i32): void {
  const v = f32x4.splat(value);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(x + (<usize>i << 2), v);
  for (; i < n; i++) store<f32>(x + (<usize>i << 2), value);
}

/** y[i] = x[i] over n elements. */
export function copy(y: usize, x: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(y + (<usize>i << 2), v128.load(x + (<usize>i << 2)));
  for (; i < n; i++) store<f32>(y + (<usize>i << 2), load<f32>(x + (<usize>i << 2)));
}

/** x[i] *= a over n elements. */
export function scale(x: usize, a: f32, n: i32): void {
  const av = f32x4.splat(a);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(x + (<usize>i << 2), f32x4.mul(av, v128.load(x + (<usize>i << 2))));
  for (; i < n; i++) store<f32>(x + (<usize>i << 2), a * load<f32>(x + (<usize>i << 2)));
}

// exp(x) as 2^n · e^r with n = round(x·log2 e), r = x - n·ln 2 split in two parts, e^r by the Cephes
// degree-6 polynomial (relative error about 1e-7 on [-87, 88]; inputs are clamped there, never NaN).
// n is rounded by adding 1.5·2^23, which leaves n in the low mantissa bits: shifting those bits plus
// the exponent bias into place gives 2^n without a float-to-int conversion.
const EXP_LO: f32 = -87.0;
const EXP_HI: f32 = 88.0;
const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
const ROUND: f32 = 12582912.0; // 1.5·2^23
const P0: f32 = 1.9875691500e-4;
const P1: f32 = 1.3981999507e-3;
const P2: f32 = 8.3334519073e-3;
const P3: f32 = 4.1665795894e-2;
const P4: f32 = 1.6666665459e-1;
const P5: f32 = 5.0000001201e-1;

@inline
export function expVec(v: v128): v128 {
  const x = f32x4.pmin(f32x4.pmax(v, f32x4.splat(EXP_LO)), f32x4.splat(EXP_HI));
  const shifted = f32x4.add(f32x4.mul(x, f32x4.splat(LOG2E)), f32x4.splat(ROUND));
  const n = f32x4.sub(shifted, f32x4.splat(ROUND));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(n, f32x4.splat(LN2_HI))), f32x4.mul(n, f32x4.splat(LN2_LO)));
  let p = f32x4.add(f32x4.mul(f32x4.splat(P0), r), f32x4.splat(P1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P4));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P5));
  p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1));
  return f32x4.mul(p, i32x4.shl(i32x4.add(shifted, i32x4.splat(127)), 23));
}

@inline
export function expScalar(v: f32): f32 {
  const x = min(max(v, EXP_LO), EXP_HI);
  const shifted = x * LOG2E + ROUND;
  const n = shifted - ROUND;
  const r = x - n * LN2_HI - n * LN2_LO;
  let p = P0 * r + P1;
  p = p * r + P2;
  p = p * r + P3;
  p = p * r + P4;
  p = p * r + P5;
  p = p * r * r + r + 1;
  return p * reinterpret<f32>((reinterpret<i32>(shifted) + 127) << 23);
}

/** x[i] = exp(x[i] - shift) over n elements; returns Σ of the results. */
export function expShift(x: usize, shift: f32, n: i32): f32 {
  const sv = f32x4.splat(shift);
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const e = expVec(f32x4.sub(v128.load(x + o), sv));
    v128.store(x + o, e);
    acc = f32x4.add(acc, e);
  }
  let sum = hsum(acc);
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const e = expScalar(load<f32>(x + o) - shift);
    store<f32>(x + o, e);
    sum += e;
  }
  return sum;
}
