/**
 * WebAssembly SIMD kernels for the cpu backend: matmul forward/backward and attention
 * forward/backward, on views into the kernels' own memory, split across worker threads where
 * shared memory allows. Sources in src/*.as, built by `npm run build:wasm`.
 *
 * @example
 * ```ts
 * const kernels = await createWasmKernels();
 * const backend = createCpuBackend({ alloc: kernels.alloc, free: kernels.free, kernels });
 * ```
 */
export { createWasmKernels, type MicroKernel, relaxedSimdAvailable, type WasmKernels, type WasmKernelsOptions } from "./wasm_kernels.ts";
export type { HeapView } from "./heap.ts";
export type { KernelsWorker, WorkerRuntime } from "./spawn.ts";
