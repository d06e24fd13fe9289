/**
 * LoRA adapters on disk as PEFT writes them: `adapter_config.json` (`peft_type` LORA, `r`, `lora_alpha`,
 * `target_modules` by HF module name, `base_model_name_or_path`) and `adapter_model.safetensors` with
 * `base_model.model.model.layers.{l}.{self_attn|mlp}.{module}.lora_{A|B}.weight` (A (r, in), B (out, r)).
 * `PeftModel.from_pretrained(base, dir)` loads such a folder; `readPeftAdapter` reads PEFT's own.
 */
import type { LoraConfig } from "../../model/lora.ts";
import { type FileSystem, joinPath } from "../fs/fs.ts";
import { decodeSafetensors, encodeSafetensors, type TensorMap } from "../safetensors/safetensors.ts";

/** File names of an adapter folder. */
export const ADAPTER_FILES = { config: "adapter_config.json", model: "adapter_model.safetensors" } as const;

/** An adapter: its config, tensors by PEFT name, and where its base model is. */
export interface PeftAdapter {
  lora: LoraConfig;
  tensors: TensorMap;
  /** `base_model_name_or_path`: a folder (relative to the adapter folder or absolute), "." for the folder itself. */
  baseModel: string;
}

/**
 * The two files of an adapter folder, rendered in memory.
 *
 * @example
 * ```ts
 * const files = peftAdapterFiles({ lora, tensors: await model.adapterState(), baseModel: "." });
 * ```
 */
export function peftAdapterFiles(adapter: PeftAdapter): Map<string, Uint8Array | string> {
  const config = {
    peft_type: "LORA",
    task_type: "CAUSAL_LM",
    base_model_name_or_path: adapter.baseModel,
    r: adapter.lora.rank,
    lora_alpha: adapter.lora.alpha,
    lora_dropout: 0,
    target_modules: adapter.lora.targetModules,
    bias: "none",
    fan_in_fan_out: false,
    inference_mode: true,
    init_lora_weights: true,
    use_rslora: false,
    use_dora: false,
    modules_to_save: null,
  };
  return new Map<string, Uint8Array | string>([
    [ADAPTER_FILES.config, JSON.stringify(config, null, 2) + "\n"],
    [ADAPTER_FILES.model, encodeSafetensors(adapter.tensors, { format: "pt" })],
  ]);
}

/**
 * Reads the adapter of folder `dir`, or null when it has no `adapter_config.json`; refuses PEFT settings the
 * engine does not implement (rsLoRA, DoRA, biases, fan_in_fan_out, a regex target) by name.
 *
 * @example
 * ```ts
 * const adapter = await readPeftAdapter("runs/qwen3-lora/checkpoint", { fs });
 * ```
 */
export async function readPeftAdapter(dir: string, options: { fs: FileSystem }): Promise<PeftAdapter | null> {
  const configPath = joinPath(dir, ADAPTER_FILES.config);
  if (!(await options.fs.exists(configPath))) return null;
  const json = JSON.parse(new TextDecoder().decode(await options.fs.readFile(configPath))) as Record<string, unknown>;
  const fail = (what: string, value: unknown): never => {
    throw new Error(`${configPath}: ${what} (got ${JSON.stringify(value)})`);
  };
  if (json.peft_type !== "LORA") fail('peft_type must be "LORA"', json.peft_type);
  if (json.use_rslora === true) fail("use_rslora is not supported", true);
  if (json.use_dora === true) fail("use_dora is not supported", true);
  if (json.fan_in_fan_out === true) fail("fan_in_fan_out (Conv1D weights) is not supported", true);
  if ((json.bias ?? "none") !== "none") fail('bias must be "none"', json.bias);
  if (!Array.isArray(json.target_modules)) fail("target_modules must be a list of module names (a regex is not supported)", json.target_modules);
  if (json.modules_to_save != null) fail("modules_to_save is not supported", json.modules_to_save);
  const weightsPath = joinPath(dir, ADAPTER_FILES.model);
  if (!(await options.fs.exists(weightsPath))) throw new Error(`${dir} has ${ADAPTER_FILES.config} but no ${ADAPTER_FILES.model}`);
  const tensors = decodeSafetensors(await options.fs.readFile(weightsPath)).tensors;
  // PEFT may save names with the adapter name (".lora_A.default.weight"); the default adapter is read as ours
  const named: TensorMap = new Map([...tensors].map(([k, t]) => [k.replace(/\.(lora_[AB])\.default\.weight$/, ".$1.weight"), t]));
  return {
    lora: { rank: json.r as number, alpha: json.lora_alpha as number, targetModules: json.target_modules as string[] },
    tensors: named,
    baseModel: typeof json.base_model_name_or_path === "string" ? json.base_model_name_or_path : ".",
  };
}
