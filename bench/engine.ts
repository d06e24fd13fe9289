/**
 * The engine as the benchmarks use it: a backend by name (`wasm`: the cpu backend with the WebAssembly
 * SIMD kernels on every core, as training uses it; `cpu`: the plain TypeScript reference; `webgpu`)
 * and the built-in tiny model with random weights, or a checkpoint given with `--init`.
 */
import { charTokenizer } from "../core/tokenizer/mod.ts";
import type { Backend } from "../trainer/engine/backend/backend.ts";
import { createCpuBackend } from "../trainer/engine/cpu/cpu_backend.ts";
import { tinyConfig } from "../trainer/engine/model/config.ts";
import { createModel, type EngineModel } from "../trainer/engine/model/model.ts";
import { createWasmKernels, type WasmKernels } from "../trainer/engine/wasm/wasm_kernels.ts";
import { loadModel } from "../trainer/run/checkpoint.ts";

/** The backends a benchmark can run the engine on. */
export const BACKENDS = ["wasm", "cpu", "webgpu"] as const;
export type BackendName = (typeof BACKENDS)[number];

/** A backend, its label for tables, and how to let go of it. */
export interface BenchBackend {
  backend: Backend;
  /** What a results file records, e.g. "wasm simd (2 threads)". */
  label: string;
  dispose(): void;
}

/**
 * The backend called `name`; throws naming the choices when `name` is not one, or why it cannot start.
 *
 * @example
 * ```ts
 * const { backend, label, dispose } = await benchBackend("wasm");
 * ```
 */
export async function benchBackend(name: string, options: { threads?: number } = {}): Promise<BenchBackend> {
  if (name === "cpu") return { backend: createCpuBackend({ name: "cpu" }), label: "typescript reference", dispose() {} };
  if (name === "wasm") {
    const kernels = await createWasmKernels({ threads: options.threads });
    const label = `${wasmBuildName(kernels)} (${kernels.threads} thread${kernels.threads === 1 ? "" : "s"})`;
    const backend = createCpuBackend({ name: label, kernels, alloc: (n) => kernels.alloc(n), free: (a) => kernels.free(a) });
    return { backend, label, dispose: () => kernels.dispose() };
  }
  if (name === "webgpu") {
    const { createWebGpuBackend } = await import("../trainer/engine/webgpu/webgpu_backend.ts");
    const backend = await createWebGpuBackend();
    return { backend, label: backend.name, dispose() {} };
  }
  throw new Error(`unknown backend "${name}"; use one of ${BACKENDS.join(", ")}`);
}

/** Options of {@link benchModel}. */
export interface BenchModelOptions {
  backend: Backend;
  /** A checkpoint folder to load instead of random weights. */
  init?: string;
  /** Positions the random model holds (default the tiny config's 256); raise it for long episodes. */
  maxSeqLen?: number;
  seed?: number;
}

/**
 * The tiny model with random weights (or the `init` checkpoint) on `backend`.
 *
 * @example
 * ```ts
 * const model = await benchModel({ backend, maxSeqLen: 512 });
 * ```
 */
export async function benchModel(options: BenchModelOptions): Promise<EngineModel> {
  const { backend, init, seed = 1 } = options;
  if (init) return (await loadModel(init, { backend, seed })).model;
  const tokenizer = charTokenizer();
  const config = tinyConfig(tokenizer.vocabSize);
  return await createModel({ ...config, maxSeqLen: Math.max(config.maxSeqLen, options.maxSeqLen ?? 0) }, { tokenizer, backend, seed });
}

/** "wasm relaxed simd (fma)" or "wasm simd": which build of the kernels an instance runs, for bench labels. */
export function wasmBuildName(kernels: WasmKernels): string {
  return kernels.relaxedSimd ? "wasm relaxed simd (fma)" : "wasm simd";
}
