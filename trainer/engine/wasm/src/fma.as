// a·b + c per f32 lane, the step of every dot product and matrix product here. The build compiles
// the kernels twice (build.mjs): with relaxed SIMD enabled this is `f32x4.relaxed_madd`, one fused
// multiply-add on processors that have one (x86 FMA3, Arm NEON), which doubles the multiply-add rate
// of the micro-kernels; without it, a multiply then an add. Relaxed madd may round once or twice
// depending on the processor, so results may differ in the last bit between machines (never between
// runs on one machine); both are within the conformance tolerances.

@inline
export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}
