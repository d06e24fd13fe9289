/**
 * How a WGSL kernel is declared: its storage buffers (binding 1..n, in order), its uniform parameters
 * (binding 0, one struct of 4-byte scalars), its workgroup size and its body. `kernelSource` adds the
 * declarations, the compile-time constants of a pipeline variant and the shared helpers, so each
 * kernel file holds only the code that computes.
 */

/** Scalar type of a uniform parameter. */
export type ParamType = "u32" | "i32" | "f32";

/** One storage buffer of a kernel. */
export interface BufferSpec {
  name: string;
  type: "f32" | "i32" | "u32";
  /** read_write when true, read-only otherwise. */
  write?: boolean;
}

/** A compute kernel: bindings, parameters and WGSL body with an entry point `main`. */
export interface KernelSpec {
  name: string;
  buffers: readonly BufferSpec[];
  params: Readonly<Record<string, ParamType>>;
  /** Invocations per workgroup, available to the body as the constant `WG`. */
  workgroupSize: number;
  body: string;
}

/** Compile-time constants of a pipeline variant (`const NAME = value;` in the source). */
export type Constants = Readonly<Record<string, boolean | number>>;

/** Bytes of the parameter struct as bound (a multiple of 16). */
export function paramsBytes(spec: KernelSpec): number {
  return Math.max(16, Math.ceil((Object.keys(spec.params).length * 4) / 16) * 16);
}

/** Writes `values` into `view` at `offset` in the order of `spec.params`; a missing value is an error. */
export function packParams(spec: KernelSpec, values: Readonly<Record<string, number>>, view: DataView, offset: number): void {
  let at = offset;
  for (const [name, type] of Object.entries(spec.params)) {
    const value = values[name];
    if (value === undefined || Number.isNaN(value)) {
      throw new Error(`${spec.name}: parameter "${name}" is ${value}; pass a number for every parameter`);
    }
    if (type === "f32") view.setFloat32(at, value, true);
    else if (type === "i32") view.setInt32(at, value, true);
    else view.setUint32(at, value, true);
    at += 4;
  }
}

const HELPERS = `
fn groupIndex(wid: vec3<u32>, nwg: vec3<u32>) -> u32 { return wid.x + wid.y * nwg.x; }
fn threadIndex(gid: vec3<u32>, nwg: vec3<u32>) -> u32 { return gid.x + gid.y * nwg.x * WG; }
`;

// Reductions over the workgroup: every invocation writes its value, invocation 0 sums them in order.
// Three barriers per reduction instead of log2(WG): llvmpipe compiles each barrier into a coroutine
// split, and tree reductions made some kernels take seconds to compile there.
const REDUCTIONS = `
var<workgroup> red: array<f32, WG>;
var<workgroup> redResult: f32;
fn reduceSum(lid: u32, value: f32) -> f32 {
  red[lid] = value;
  workgroupBarrier();
  if (lid == 0u) {
    var s = red[0];
    for (var i = 1u; i < WG; i = i + 1u) { s = s + red[i]; }
    redResult = s;
  }
  workgroupBarrier();
  let result = redResult;
  workgroupBarrier();
  return result;
}
fn reduceMax(lid: u32, value: f32) -> f32 {
  red[lid] = value;
  workgroupBarrier();
  if (lid == 0u) {
    var s = red[0];
    for (var i = 1u; i < WG; i = i + 1u) { s = max(s, red[i]); }
    redResult = s;
  }
  workgroupBarrier();
  let result = redResult;
  workgroupBarrier();
  return result;
}
`;

/**
 * The full WGSL of a kernel variant.
 *
 * @example
 * ```ts
 * device.createShaderModule({ code: kernelSource(matmulKernel, { HAS_BIAS: true }) });
 * ```
 */
export function kernelSource(spec: KernelSpec, constants: Constants = {}): string {
  const fields = Object.entries(spec.params).map(([name, type]) => `${name}: ${type},`);
  if (fields.length === 0) fields.push("unused: u32,");
  const lines = [
    `// ${spec.name}`,
    `const WG = ${spec.workgroupSize}u;`,
    ...Object.entries(constants).map(([name, value]) =>
      `const ${name} = ${typeof value === "boolean" ? value : Number.isInteger(value) && value >= 0 ? `${value}u` : `${value}f`};`
    ),
    `struct Params { ${fields.join(" ")} }`,
    `@group(0) @binding(0) var<uniform> p: Params;`,
    ...spec.buffers.map((b, i) =>
      `@group(0) @binding(${i + 1}) var<storage, ${b.write ? "read_write" : "read"}> ${b.name}: array<${b.type}>;`
    ),
    HELPERS,
    spec.body.includes("reduce") ? REDUCTIONS : "",
    spec.body,
  ];
  return lines.join("\n");
}

/**
 * An element-wise kernel: one invocation per index `i < p.n`, running `statement`.
 *
 * @example
 * ```ts
 * const residual = elementwise("residual", [{ name: "outp", type: "f32", write: true }, ...], {}, "outp[i] = a[i] + b[i];");
 * ```
 */
export function elementwise(
  name: string, buffers: readonly BufferSpec[], params: Readonly<Record<string, ParamType>>, statement: string,
): KernelSpec {
  return {
    name,
    buffers,
    params: { n: "u32", ...params },
    workgroupSize: 256,
    body: `
@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = threadIndex(gid, nwg);
  if (i >= p.n) { return; }
  ${statement}
}`,
  };
}

/** Shorthands for buffer declarations. */
export const f32 = (name: string): BufferSpec => ({ name, type: "f32" });
export const f32w = (name: string): BufferSpec => ({ name, type: "f32", write: true });
export const i32 = (name: string): BufferSpec => ({ name, type: "i32" });
