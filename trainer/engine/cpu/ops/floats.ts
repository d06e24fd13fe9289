/**
 * The array types of the reference ops. Every op runs on Float32Array (training) and on
 * Float64Array (the finite-difference checks), with Int32Array for token ids, positions and lengths.
 *
 * Shape legend used across `cpu/ops/`: B batch, T time, N = B*T rows, C channels, OC output channels,
 * NH query heads, NKV key/value heads, hs head size, V vocabulary, H MLP hidden size,
 * maxT cache positions, Bc cache rows.
 */
export type Floats = Float32Array | Float64Array;

const slots = new Map<string, Floats>();

/** A reusable scratch array of at least `n` elements of the same type as `like`, one per `slot` name. */
export function scratch(like: Floats, slot: string, n: number): Floats {
  const key = (like instanceof Float64Array ? "f64:" : "f32:") + slot;
  let buf = slots.get(key);
  if (!buf || buf.length < n) {
    buf = like instanceof Float64Array ? new Float64Array(n) : new Float32Array(n);
    slots.set(key, buf);
  }
  return buf;
}
