/**
 * Exact widening of 16-bit floats to Float32: IEEE half (F16, with subnormals, infinities and NaN)
 * and bfloat16 (BF16, the top 16 bits of a Float32).
 */

/**
 * Widens IEEE-754 half-precision bit patterns to Float32 values; every half is exactly representable.
 *
 * @example
 * ```ts
 * f16ToF32(new Uint16Array([0x3c00]))[0]; // 1
 * ```
 */
export function f16ToF32(halves: Uint16Array): Float32Array {
  const out = new Float32Array(halves.length);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < halves.length; i++) {
    const h = halves[i];
    const sign = (h & 0x8000) << 16;
    const exponent = (h >> 10) & 0x1f;
    const mantissa = h & 0x3ff;
    if (exponent === 0x1f) {
      bits[i] = sign | 0x7f800000 | (mantissa << 13); // infinity or NaN (payload kept)
    } else if (exponent !== 0) {
      bits[i] = sign | ((exponent + 112) << 23) | (mantissa << 13); // normal: rebias 15 -> 127
    } else {
      out[i] = (sign ? -1 : 1) * mantissa * 2 ** -24; // zero or subnormal
    }
  }
  return out;
}

/**
 * Widens bfloat16 bit patterns to Float32 values (a shift by 16 bits).
 *
 * @example
 * ```ts
 * bf16ToF32(new Uint16Array([0x3f80]))[0]; // 1
 * ```
 */
export function bf16ToF32(halves: Uint16Array): Float32Array {
  const out = new Float32Array(halves.length);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < halves.length; i++) bits[i] = halves[i] << 16;
  return out;
}
