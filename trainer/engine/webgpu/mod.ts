/**
 * The webgpu backend of the engine: every `Backend` op as WGSL compute kernels, on Deno
 * (--unstable-webgpu), browsers, and Node with the `webgpu` package (Dawn).
 *
 * @example
 * ```ts
 * const model = await createModel(config, { backend: await createWebGpuBackend(), tokenizer });
 * ```
 */
export * from "./webgpu_backend.ts";
export type { AdapterDescription, DeviceOptions } from "./device.ts";
