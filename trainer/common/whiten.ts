/**
 * Statistics under a mask, as TRL's `core.py` computes them: masked mean, Bessel-corrected masked
 * variance, and whitening (zero mean, unit variance over the masked-in entries).
 * Arrays are flat (B, T) row-major; `mask` holds 1 on entries that count and 0 elsewhere.
 */

/**
 * Mean of `values` over entries where `mask` is 1; 0 when the mask is empty.
 *
 * @example maskedMean([1, 2, 9], [1, 1, 0]); // 1.5
 */
export function maskedMean(values: ArrayLike<number>, mask: ArrayLike<number>): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    if (mask[i] === 0) continue;
    sum += values[i] * mask[i];
    count += mask[i];
  }
  return count === 0 ? 0 : sum / count;
}

/**
 * Variance over masked-in entries; `unbiased` (default) multiplies by n/(n-1) as TRL does.
 *
 * @example maskedVar([1, 3, 100], [1, 1, 0]); // 2
 */
export function maskedVar(values: ArrayLike<number>, mask: ArrayLike<number>, options: { unbiased?: boolean } = {}): number {
  const mean = maskedMean(values, mask);
  let sumSquares = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    if (mask[i] === 0) continue;
    const centered = values[i] - mean;
    sumSquares += centered * centered * mask[i];
    count += mask[i];
  }
  if (count === 0) return 0;
  const variance = sumSquares / count;
  if (options.unbiased === false) return variance;
  return count > 1 ? variance * count / (count - 1) : 0;
}

/**
 * Whitens `values` over masked-in entries: `(x - mean) / sqrt(var + 1e-8)`; masked-out entries become 0.
 * With `shiftMean: false` the mean is added back (TRL's option, used nowhere by default).
 *
 * @example maskedWhiten(new Float32Array([1, 3, 7]), [1, 1, 0]); // ≈ [-0.707, 0.707, 0]
 */
export function maskedWhiten(
  values: ArrayLike<number>,
  mask: ArrayLike<number>,
  options: { shiftMean?: boolean } = {},
): Float32Array {
  const mean = maskedMean(values, mask);
  const variance = maskedVar(values, mask);
  const scale = 1 / Math.sqrt(variance + 1e-8);
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    if (mask[i] === 0) continue;
    out[i] = (values[i] - mean) * scale + (options.shiftMean === false ? mean : 0);
  }
  return out;
}
