/**
 * The engine's model for the demo page: a trained checkpoint fetched over HTTP when the server has one,
 * else the built-in tiny model with seeded (untrained) weights; on WebGPU when the browser has an
 * adapter, else on the WebAssembly kernels, else on the plain TypeScript reference.
 */
import { charTokenizer } from "../core/tokenizer/mod.ts";
import type { Tokenizer } from "../core/types.ts";
import type { Backend } from "../trainer/engine/backend/backend.ts";
import { createCpuBackend } from "../trainer/engine/cpu/cpu_backend.ts";
import { loadCheckpoint } from "../trainer/engine/io/checkpoint/load_checkpoint.ts";
import type { FileSystem } from "../trainer/engine/io/fs/fs.ts";
import { tinyConfig } from "../trainer/engine/model/config.ts";
import { createModel, type EngineModel } from "../trainer/engine/model/model.ts";
import { createWasmKernels } from "../trainer/engine/wasm/wasm_kernels.ts";
import { createWebGpuBackend } from "../trainer/engine/webgpu/webgpu_backend.ts";

/** Which backend to run on; `auto` tries webgpu, then wasm, then cpu. */
export type DemoBackend = "auto" | "webgpu" | "wasm" | "cpu";

/** The model the page rolls out with, and where it came from. */
export interface DemoPolicy {
  model: EngineModel;
  tokenizer: Tokenizer;
  backend: string;
  /** `checkpoint` when trained weights were loaded, `untrained` for seeded random weights. */
  weights: "checkpoint" | "untrained";
  /** Why a faster backend was passed over, if one was. */
  notes: string[];
  /** Frees the model and stops the backend's worker threads or GPU device. */
  dispose(): void;
}

/**
 * The demo's policy: the checkpoint under `checkpointUrl` when it has a `config.json`, else the tiny model.
 *
 * @example
 * ```ts
 * const { model, tokenizer } = await demoPolicy({ backend: "auto", checkpointUrl: new URL("checkpoint/", location.href) });
 * ```
 */
export async function demoPolicy(options: { backend: DemoBackend; checkpointUrl: URL; seed?: number }): Promise<DemoPolicy> {
  const notes: string[] = [];
  const { backend, release } = await pickBackend(options.backend, notes);
  const fs = fetchFileSystem(options.checkpointUrl);
  const trained = await fs.exists("config.json");
  const checkpoint = trained ? await loadCheckpoint(".", { fs }) : null;
  const tokenizer = checkpoint?.tokenizer ?? charTokenizer();
  const config = checkpoint?.config ?? tinyConfig(tokenizer.vocabSize);
  const model = await createModel(config, { tokenizer, backend, seed: options.seed });
  if (checkpoint) await model.loadStateDict(checkpoint.weights);
  const dispose = () => {
    model.dispose();
    release();
  };
  return { model, tokenizer, backend: backend.name, weights: trained ? "checkpoint" : "untrained", notes, dispose };
}

async function pickBackend(wanted: DemoBackend, notes: string[]): Promise<{ backend: Backend; release(): void }> {
  if (wanted === "webgpu" || wanted === "auto") {
    try {
      const backend = await createWebGpuBackend();
      return { backend, release: () => backend.destroy() };
    } catch (error) {
      if (wanted === "webgpu") throw error;
      notes.push(`webgpu: ${(error as Error).message}`);
    }
  }
  if (wanted === "wasm" || wanted === "auto") {
    try {
      const kernels = await createWasmKernels();
      const name = `wasm (${kernels.threads} thread${kernels.threads === 1 ? "" : "s"})`;
      const backend = createCpuBackend({ alloc: kernels.alloc, free: kernels.free, kernels, name });
      return { backend, release: () => kernels.dispose() };
    } catch (error) {
      if (wanted === "wasm") throw error;
      notes.push(`wasm: ${(error as Error).message}`);
    }
  }
  return { backend: createCpuBackend(), release: () => {} };
}

/** A read-only `FileSystem` over HTTP: paths are resolved against `base`, and a 404 means absent. */
function fetchFileSystem(base: URL): FileSystem {
  const url = (path: string) => new URL(path.replace(/^\.\//, ""), base);
  const readOnly = (what: string) => () => Promise.reject(new Error(`the demo cannot ${what} over HTTP`));
  return {
    async readFile(path) {
      const response = await fetch(url(path));
      if (!response.ok) throw new Error(`GET ${url(path)} answered ${response.status}`);
      return new Uint8Array(await response.arrayBuffer());
    },
    async exists(path) {
      const response = await fetch(url(path), { method: "HEAD" });
      return response.ok;
    },
    writeFile: readOnly("write files"),
    mkdir: readOnly("make folders"),
    rename: readOnly("rename files"),
    remove: readOnly("remove files"),
    syncDir: () => Promise.resolve(),
    absolute: (path) => url(path).href,
  };
}
