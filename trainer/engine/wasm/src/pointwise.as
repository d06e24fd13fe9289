// Element-wise and per-row ops whose TypeScript versions spend their time in Math.exp: SwiGLU forward
// and backward, the LM head's log-softmax (logprobs, entropy, lse) and its backward, and the AdamW update.
// The mirror of ops/pointwise.ts, ops/head.ts and ops/adamw.ts (the oracles); backward ops accumulate.
// Threads split elements (in multiples of 4) or rows (logprobs), so no two write the same value.
//   N elements or rows, V vocabulary; targets (N) i32, negative where a row has no target.
import { expScalar, expVec, hsum } from "./vec";
import { rangeOf, rows0, rows1 } from "./split";

// ln x for finite x > 0 without tables (the module may hold no static data): x = 2^e · m with m in
// [sqrt(1/2), sqrt(2)), ln m = 2 atanh(s), s = (m - 1) / (m + 1), |s| < 0.18, by its series to s^13.
function logPositive(x: f64): f64 {
  let bits = reinterpret<i64>(x);
  let e = <i32>((bits >> 52) & 0x7ff) - 1023;
  let m = reinterpret<f64>((bits & 0x000fffffffffffff) | 0x3ff0000000000000);
  if (m > 1.4142135623730951) {
    m *= 0.5;
    e += 1;
  }
  const s = (m - 1) / (m + 1), s2 = s * s;
  const series = s * (2 + s2 * (2.0 / 3 + s2 * (2.0 / 5 + s2 * (2.0 / 7 + s2 * (2.0 / 9 + s2 * (2.0 / 11 + s2 * (2.0 / 13)))))));
  return <f64>e * 0.6931471805599453 + series;
}

@inline
function sigmoidVec(g: v128): v128 {
  return f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), expVec(f32x4.neg(g))));
}

// out (N) = silu(gate) · up
export function swigluForward(out: usize, gate: usize, up: usize, N: i32, part: i32, parts: i32): void {
  rangeOf(N, 4, part, parts);
  let i = rows0;
  for (; i + 4 <= rows1; i += 4) {
    const o = <usize>i << 2;
    const g = v128.load(gate + o);
    v128.store(out + o, f32x4.mul(f32x4.mul(g, sigmoidVec(g)), v128.load(up + o)));
  }
  for (; i < rows1; i++) {
    const o = <usize>i << 2;
    const g = load<f32>(gate + o);
    store<f32>(out + o, (g / (1 + expScalar(-g))) * load<f32>(up + o));
  }
}

// dgate (N) += dout · up · sig · (1 + g (1 - sig)),  dup (N) += dout · silu(g)
export function swigluBackward(dgate: usize, dup: usize, dout: usize, gate: usize, up: usize, N: i32, part: i32, parts: i32): void {
  rangeOf(N, 4, part, parts);
  let i = rows0;
  const one = f32x4.splat(1);
  for (; i + 4 <= rows1; i += 4) {
    const o = <usize>i << 2;
    const g = v128.load(gate + o), d = v128.load(dout + o);
    const sig = sigmoidVec(g);
    const silu = f32x4.mul(g, sig);
    const local = f32x4.add(sig, f32x4.mul(silu, f32x4.sub(one, sig)));
    v128.store(dgate + o, f32x4.add(v128.load(dgate + o), f32x4.mul(f32x4.mul(d, v128.load(up + o)), local)));
    v128.store(dup + o, f32x4.add(v128.load(dup + o), f32x4.mul(d, silu)));
  }
  for (; i < rows1; i++) {
    const o = <usize>i << 2;
    const g = load<f32>(gate + o), d = load<f32>(dout + o);
    const sig: f32 = 1 / (1 + expScalar(-g));
    const silu = g * sig;
    store<f32>(dgate + o, load<f32>(dgate + o) + d * load<f32>(up + o) * (sig + silu * (1 - sig)));
    store<f32>(dup + o, load<f32>(dup + o) + d * silu);
  }
}

// Per row n with a target: lse = log Σ exp(z), logprob = z[target] - lse, entropy = lse - Σ p z.
export function logprobsForward(
  logprobs: usize, entropy: usize, lse: usize, logits: usize, targets: usize, N: i32, V: i32, part: i32, parts: i32,
): void {
  rangeOf(N, 1, part, parts);
  for (let n = rows0; n < rows1; n++) {
    const on = <usize>n << 2;
    const target = load<i32>(targets + on);
    if (target < 0) {
      store<f32>(logprobs + on, 0);
      store<f32>(entropy + on, 0);
      store<f32>(lse + on, 0);
      continue;
    }
    const z = logits + ((<usize>n * V) << 2);
    let j = 0;
    let topv = f32x4.splat(-Infinity);
    for (; j + 4 <= V; j += 4) topv = f32x4.max(topv, v128.load(z + (<usize>j << 2)));
    let top = max(max(f32x4.extract_lane(topv, 0), f32x4.extract_lane(topv, 1)), max(f32x4.extract_lane(topv, 2), f32x4.extract_lane(topv, 3)));
    for (; j < V; j++) top = max(top, load<f32>(z + (<usize>j << 2)));
    const tv = f32x4.splat(top);
    let sumv = f32x4.splat(0), wv = f32x4.splat(0);
    j = 0;
    for (; j + 4 <= V; j += 4) {
      const x = v128.load(z + (<usize>j << 2));
      const e = expVec(f32x4.sub(x, tv));
      sumv = f32x4.add(sumv, e);
      wv = f32x4.add(wv, f32x4.mul(e, x));
    }
    let sum = hsum(sumv), weighted = hsum(wv);
    for (; j < V; j++) {
      const x = load<f32>(z + (<usize>j << 2));
      const e = expScalar(x - top);
      sum += e;
      weighted += e * x;
    }
    const l = top + <f32>logPositive(<f64>sum);
    store<f32>(lse + on, l);
    store<f32>(logprobs + on, load<f32>(z + (<usize>target << 2)) - l);
    store<f32>(entropy + on, l - weighted / sum);
  }
}

// dlogits (N,V) += -dlogprob p - dentropy p (log p + H), and += dlogprob at the target; dentropy may be 0 (null).
export function logprobsBackward(
  dlogits: usize, dlogprobs: usize, dentropy: usize, logits: usize, targets: usize, lse: usize, entropy: usize,
  N: i32, V: i32, part: i32, parts: i32,
): void {
  rangeOf(N, 1, part, parts);
  for (let n = rows0; n < rows1; n++) {
    const on = <usize>n << 2;
    const target = load<i32>(targets + on);
    if (target < 0) continue;
    const dlp = load<f32>(dlogprobs + on);
    const dh: f32 = dentropy == 0 ? 0 : load<f32>(dentropy + on);
    const l = load<f32>(lse + on), H = load<f32>(entropy + on);
    const z = logits + ((<usize>n * V) << 2), dz = dlogits + ((<usize>n * V) << 2);
    const lv = f32x4.splat(l), hv = f32x4.splat(H), dlpv = f32x4.splat(-dlp), dhv = f32x4.splat(dh);
    let j = 0;
    for (; j + 4 <= V; j += 4) {
      const o = <usize>j << 2;
      const logp = f32x4.sub(v128.load(z + o), lv);
      const p = expVec(logp);
      const g = f32x4.sub(f32x4.mul(dlpv, p), f32x4.mul(f32x4.mul(dhv, p), f32x4.add(logp, hv)));
      v128.store(dz + o, f32x4.add(v128.load(dz + o), g));
    }
    for (; j < V; j++) {
      const o = <usize>j << 2;
      const logp = load<f32>(z + o) - l;
      const p = expScalar(logp);
      store<f32>(dz + o, load<f32>(dz + o) - dlp * p - dh * p * (logp + H));
    }
    const ot = <usize>target << 2;
    store<f32>(dz + ot, load<f32>(dz + ot) + dlp);
  }
}

// AdamW on param (N), m (N), v (N) from grad (N): c1, c2 the bias corrections 1 - beta^step.
export function adamwUpdate(
  param: usize, m: usize, v: usize, grad: usize, N: i32,
  lr: f32, beta1: f32, beta2: f32, eps: f32, weightDecay: f32, gradScale: f32, c1: f32, c2: f32,
  part: i32, parts: i32,
): void {
  rangeOf(N, 4, part, parts);
  const b1 = f32x4.splat(beta1), b2 = f32x4.splat(beta2), a1 = f32x4.splat(1 - beta1), a2 = f32x4.splat(1 - beta2);
  const gs = f32x4.splat(gradScale), lrv = f32x4.splat(lr), epsv = f32x4.splat(eps), wd = f32x4.splat(weightDecay);
  const ic1 = f32x4.splat(1 / c1), ic2 = f32x4.splat(1 / c2);
  let i = rows0;
  for (; i + 4 <= rows1; i += 4) {
    const o = <usize>i << 2;
    const g = f32x4.mul(v128.load(grad + o), gs);
    const mi = f32x4.add(f32x4.mul(b1, v128.load(m + o)), f32x4.mul(a1, g));
    const vi = f32x4.add(f32x4.mul(b2, v128.load(v + o)), f32x4.mul(a2, f32x4.mul(g, g)));
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    const p = v128.load(param + o);
    const update = f32x4.add(f32x4.div(f32x4.mul(mi, ic1), f32x4.add(f32x4.sqrt(f32x4.mul(vi, ic2)), epsv)), f32x4.mul(wd, p));
    v128.store(param + o, f32x4.sub(p, f32x4.mul(lrv, update)));
  }
  for (; i < rows1; i++) {
    const o = <usize>i << 2;
    const g = load<f32>(grad + o) * gradScale;
    const mi = beta1 * load<f32>(m + o) + (1 - beta1) * g;
    const vi = beta2 * load<f32>(v + o) + (1 - beta2) * g * g;
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    const p = load<f32>(param + o);
    store<f32>(param + o, p - lr * ((mi / c1) / (Mathf.sqrt(vi / c2) + eps) + weightDecay * p));
  }
}

// Σ x² over x (N), accumulated in f64 (as ops/adamw.ts does): this part's sum goes to `partial` (one f64).
export function sumSquares(x: usize, N: i32, partial: usize, part: i32, parts: i32): void {
  rangeOf(N, 4, part, parts);
  let acc0 = f64x2.splat(0), acc1 = f64x2.splat(0);
  let i = rows0;
  for (; i + 4 <= rows1; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    const sq = f32x4.mul(v, v);
    acc0 = f64x2.add(acc0, f64x2.promote_low_f32x4(sq));
    acc1 = f64x2.add(acc1, f64x2.promote_low_f32x4(v128.shuffle<f32>(sq, sq, 2, 3, 0, 1)));
  }
  let sum = f64x2.extract_lane(acc0, 0) + f64x2.extract_lane(acc0, 1) + f64x2.extract_lane(acc1, 0) + f64x2.extract_lane(acc1, 1);
  for (; i < rows1; i++) {
    const v = <f64>load<f32>(x + (<usize>i << 2));
    sum += v * v;
  }
  store<f64>(partial, sum);
}
