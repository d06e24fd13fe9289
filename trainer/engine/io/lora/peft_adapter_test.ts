import { test } from "uvu";
import * as assert from "uvu/assert";
import type { FileSystem } from "../fs/fs.ts";
import { encodeSafetensors, type TensorMap } from "../safetensors/safetensors.ts";
import { mergeLora } from "./merge_lora.ts";
import { ADAPTER_FILES, peftAdapterFiles, readPeftAdapter } from "./peft_adapter.ts";

/** A FileSystem over a Map, enough for reading a folder. */
function mapFs(files: Map<string, Uint8Array | string>): FileSystem {
  const bytes = (v: Uint8Array | string) => (typeof v === "string" ? new TextEncoder().encode(v) : v);
  return {
    readFile: (path) => Promise.resolve(bytes(files.get(path)!)),
    writeFile: (path, data) => Promise.resolve(void files.set(path, data)),
    mkdir: () => Promise.resolve(),
    rename: () => Promise.resolve(),
    remove: () => Promise.resolve(),
    exists: (path) => Promise.resolve(files.has(path)),
    syncDir: () => Promise.resolve(),
    absolute: (path) => path,
  };
}
const inDir = (files: Map<string, Uint8Array | string>) => new Map([...files].map(([k, v]) => [`a/${k}`, v]));

const A = "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight";
const B = "base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight";
const lora = { rank: 1, alpha: 2, targetModules: ["q_proj"] };
const adapters: TensorMap = new Map([
  [A, { shape: [1, 2], data: Float32Array.of(1, 2) }],
  [B, { shape: [2, 1], data: Float32Array.of(3, -1) }],
]);

test("peftAdapterFiles() writes PEFT's adapter_config.json and readPeftAdapter() reads it back", async () => {
  const files = peftAdapterFiles({ lora, tensors: adapters, baseModel: "../base" });
  const config = JSON.parse(files.get(ADAPTER_FILES.config) as string);
  assert.equal([config.peft_type, config.task_type, config.r, config.lora_alpha, config.lora_dropout, config.target_modules],
    ["LORA", "CAUSAL_LM", 1, 2, 0, ["q_proj"]]);
  const read = await readPeftAdapter("a", { fs: mapFs(inDir(files)) });
  assert.equal(read!.lora, lora);
  assert.is(read!.baseModel, "../base");
  assert.equal([...read!.tensors.keys()], [A, B]);
  assert.is(await readPeftAdapter("elsewhere", { fs: mapFs(inDir(files)) }), null);
});

test("readPeftAdapter() accepts PEFT's '.default.' names and refuses what the engine does not implement", async () => {
  const files = peftAdapterFiles({ lora, tensors: adapters, baseModel: "." });
  const renamed: TensorMap = new Map([...adapters].map(([k, t]) => [k.replace(".weight", ".default.weight"), t]));
  files.set(ADAPTER_FILES.model, encodeSafetensors(renamed));
  assert.equal([...(await readPeftAdapter("a", { fs: mapFs(inDir(files)) }))!.tensors.keys()], [A, B]);
  const base = JSON.parse(files.get(ADAPTER_FILES.config) as string);
  for (const [key, value, message] of [
    ["use_dora", true, /use_dora/], ["peft_type", "IA3", /"IA3"/], ["target_modules", "q_proj|v_proj", /regex/], ["bias", "all", /"all"/],
  ] as const) {
    files.set(ADAPTER_FILES.config, JSON.stringify({ ...base, [key]: value }));
    try {
      await readPeftAdapter("a", { fs: mapFs(inDir(files)) });
      assert.unreachable(`${key} accepted`);
    } catch (error) {
      assert.match((error as Error).message, message);
    }
  }
});

test("mergeLora() adds alpha/r · B A to the adapted weight and leaves the others alone", () => {
  const weights: TensorMap = new Map([
    ["model.layers.0.self_attn.q_proj.weight", { shape: [2, 2], data: Float32Array.of(1, 0, 0, 1) }],
    ["model.norm.weight", { shape: [2], data: Float32Array.of(1, 1) }],
  ]);
  const merged = mergeLora(weights, adapters, lora);
  // scale 2: B A = [[3, 6], [-1, -2]]
  assert.equal(Array.from(merged.get("model.layers.0.self_attn.q_proj.weight")!.data), [7, 12, -2, -3]);
  assert.equal(Array.from(merged.get("model.norm.weight")!.data), [1, 1]);
  assert.equal(Array.from(weights.get("model.layers.0.self_attn.q_proj.weight")!.data), [1, 0, 0, 1], "the input is not modified");
  assert.throws(() => mergeLora(new Map(), adapters, lora), /which the weights lack/);
});

test.run();
