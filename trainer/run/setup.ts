/**
 * What a run is built from: the task (built-in or from `--plugin` modules), the engine backend, and the
 * model (a fresh tiny model with the built-in tokenizer, or a checkpoint given with `--init`).
 */
import { builtinPlugins, loadPlugin } from "../../plugins/builtins.ts";
import { findTask, type LoadPluginOptions } from "../../core/plugin/load_plugin.ts";
import { formatNames, getFormat, hasFormat } from "../../core/formats/registry.ts";
import { charTokenizer, DEFAULT_SPECIALS } from "../../core/tokenizer/mod.ts";
import type { FormatName, Plugin, Task } from "../../core/types.ts";
import type { Backend } from "../engine/backend/backend.ts";
import { createCpuBackend } from "../engine/cpu/cpu_backend.ts";
import { tinyConfig } from "../engine/model/config.ts";
import { createModel, type EngineModel } from "../engine/model/model.ts";
import type { Model } from "../engine/types.ts";
import { createWasmKernels, type WasmKernels } from "../engine/wasm/wasm_kernels.ts";
import { loadModel } from "./checkpoint.ts";
import type { TrainConfig } from "./config.ts";

/**
 * Finds `name` among the tasks of the `plugins` modules, then among the built-in plugins (loaded one by one);
 * `taskOptions` go to the plugins' factories (e.g. `{ towns: 2000 }` for the wiki task).
 *
 * @example const task = await resolveTask("calculator", []);
 */
export async function resolveTask(
  name: string,
  plugins: readonly string[],
  options: { taskOptions?: Record<string, unknown>; importModule?: LoadPluginOptions["importModule"] } = {},
): Promise<Task> {
  const load = (spec: string) => loadPlugin(spec, { options: options.taskOptions, importModule: options.importModule });
  const loaded: Plugin[] = [];
  for (const spec of plugins) loaded.push(await load(spec));
  if (loaded.some((plugin) => plugin.tasks.some((task) => task.name === name))) return findTask(loaded, name);
  const builtinNames = Object.keys(builtinPlugins);
  const ordered = [name, ...builtinNames.filter((n) => n !== name)].filter((n) => builtinNames.includes(n));
  for (const builtin of ordered) {
    let plugin: Plugin;
    try {
      plugin = await load(builtin);
    } catch {
      continue; // a built-in that needs options (a service URL) has no task to offer here
    }
    loaded.push(plugin);
    if (plugin.tasks.some((task) => task.name === name)) return findTask([plugin], name);
  }
  return findTask(loaded, name); // throws, listing every task that was found
}

/**
 * `name` when a format is registered under it (built-in or from a loaded plugin), else an error naming the
 * registered formats; call it after the run's plugins are loaded.
 *
 * @example requireFormat("hermes"); // "hermes"
 */
export function requireFormat(name: string, flag = "--format"): FormatName {
  if (!hasFormat(name)) {
    throw new Error(`${flag} must be one of ${formatNames().join(", ")} or a format a --plugin registers, got "${name}"`);
  }
  return name;
}

/**
 * The engine backend called `name`.
 *
 * @example const backend = await backendByName("cpu");
 */
export async function backendByName(name: TrainConfig["backend"]): Promise<Backend> {
  if (name === "cpu") return await cpuBackend();
  const modulePath = "../engine/webgpu/webgpu_backend.ts";
  let module: { createWebGpuBackend?: () => Promise<Backend> };
  try {
    module = await import(modulePath);
  } catch (error) {
    throw new Error(`The webgpu backend could not be loaded (${(error as Error).message}); use --backend cpu.`);
  }
  if (!module.createWebGpuBackend) throw new Error(`${modulePath} exports no createWebGpuBackend; use --backend cpu.`);
  return await module.createWebGpuBackend();
}

let wasmKernels: Promise<WasmKernels | null> | null = null;

/**
 * The cpu backend with the engine's WebAssembly SIMD kernels (threads on both cores) for the heavy ops, or the
 * plain TypeScript reference where WebAssembly SIMD is unavailable. One kernel instance serves every model of the
 * process (policy and reference).
 */
async function cpuBackend(): Promise<Backend> {
  wasmKernels ??= createWasmKernels().catch(() => null);
  const kernels = await wasmKernels;
  if (!kernels) return createCpuBackend();
  return createCpuBackend({
    name: "cpu+wasm",
    kernels,
    alloc: (length) => kernels.alloc(length),
    free: (array) => kernels.free(array),
  });
}

/**
 * A fresh model of the engine's tiny config (with the config's overrides) and the built-in tokenizer (its special
 * strings plus the run's format's, so a plugin format's tags are one token each), or the model of the
 * `config.init` checkpoint. The run's format must be registered (its plugins loaded) first.
 *
 * @example const model = await buildModel(config, await backendByName(config.backend));
 */
export async function buildModel(config: TrainConfig, backend: Backend): Promise<EngineModel> {
  if (config.init) return (await loadModel(config.init, { backend, seed: config.seed, lora: config.lora })).model;
  const tokenizer = charTokenizer({ specials: [...DEFAULT_SPECIALS, ...getFormat(config.format).specialTokens] });
  const modelConfig = { ...tinyConfig(tokenizer.vocabSize), ...config.model };
  return await createModel(modelConfig, { tokenizer, backend, seed: config.seed, lora: config.lora });
}

/**
 * A frozen copy of `model`'s weights (the reference of PPO/GRPO) that shares nothing with it and carries no
 * optimizer state; under LoRA, the base model without adapters, sharing the weights. (Built from `stateDict` rather
 * than `clone()`, which would also copy the optimizer's moments, which a reference never uses.)
 *
 * @example const reference = await frozenCopy(policy);
 */
export async function frozenCopy(model: EngineModel, options: { seed?: number } = {}): Promise<Model> {
  // under LoRA the reference is the base model itself, sharing the weights: no second copy
  if (model.lora) return model.baseModel();
  const copy = await createModel(model.config, { tokenizer: model.tokenizer, backend: model.backend, seed: options.seed });
  await copy.loadStateDict(await model.stateDict());
  return copy;
}
