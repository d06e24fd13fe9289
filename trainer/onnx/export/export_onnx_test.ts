import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AutoModelForCausalLM, AutoTokenizer, env, pipeline, Tensor } from "@huggingface/transformers";
import { exportOnnx, ONNX_MODEL_FILE } from "./export_onnx.ts";
import { saveCheckpoint } from "../../engine/io/checkpoint/save_checkpoint.ts";
import { fixtureConfig, fixtureModel, fixtureTokenizer as tokenizer } from "../testing/fixtures.ts";
import type { EngineModel } from "../../engine/model/model.ts";
import type { ModelConfig } from "../../engine/types.ts";

const root = await mkdtemp(join(tmpdir(), "toolrl-onnx-"));
env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = root;

/** Saves a fixture model of `family` as a checkpoint (with its value head) and exports it to `<root>/<name>`. */
async function exported(family: ModelConfig["family"], name: string): Promise<EngineModel> {
  const config = fixtureConfig(family);
  const model = await fixtureModel(config, 7);
  await saveCheckpoint(join(root, `${name}-ckpt`), { config, weights: await model.stateDict(), tokenizer });
  const summary = await exportOnnx(join(root, `${name}-ckpt`), join(root, name));
  assert.ok(summary.files.includes(ONNX_MODEL_FILE));
  return model;
}

const prompt = "What is 12 + 7?\n";

for (const family of ["llama", "gpt2"] as const) {
  test(`exportOnnx() ${family}: transformers.js greedy generation equals the engine's token for token`, async () => {
    const model = await exported(family, family);
    const hfModel = await AutoModelForCausalLM.from_pretrained(family, { local_files_only: true, device: "cpu" });
    const hfTokenizer = await AutoTokenizer.from_pretrained(family, { local_files_only: true });
    const ids = tokenizer.encode(prompt);
    assert.equal(Array.from(hfTokenizer(prompt).input_ids.data as BigInt64Array, Number), ids);
    const input = new Tensor("int64", BigInt64Array.from(ids, BigInt), [1, ids.length]);
    const output = await hfModel.generate({ inputs: input, max_new_tokens: 24, do_sample: false }) as Tensor;
    const got = Array.from(output.data as BigInt64Array, Number).slice(ids.length);
    const [want] = await model.generate([ids], { maxNewTokens: 24, temperature: 0 });
    assert.equal(got, want.tokens);
    assert.ok(new Set(got).size > 4, `a varied continuation: ${got}`);
    await hfModel.dispose();
    model.dispose();
  });
}

test("exportOnnx() writes a folder pipeline('text-generation') loads from local files only", async () => {
  const files = (await readdir(join(root, "llama"), { recursive: true })).map(String).sort();
  assert.equal(files, [
    "char_tokenizer.json", "config.json", "generation_config.json", "onnx", ONNX_MODEL_FILE, "tokenizer.json", "tokenizer_config.json",
  ]);
  const config = JSON.parse(await readFile(join(root, "llama", "config.json"), "utf8"));
  assert.equal([config.model_type, config["transformers.js_config"].dtype], ["llama", "fp32"]);
  const generator = await pipeline("text-generation", "llama", { local_files_only: true, device: "cpu" });
  const [result] = await generator(prompt, { max_new_tokens: 8, do_sample: false, return_full_text: false }) as { generated_text: string }[];
  const model = await fixtureModel(fixtureConfig("llama"), 7);
  const [want] = await model.generate([tokenizer.encode(prompt)], { maxNewTokens: 8, temperature: 0 });
  assert.is(result.generated_text, generator.tokenizer.decode(want.tokens, { skip_special_tokens: true }));
  await generator.dispose();
  model.dispose();
});

test("exportOnnx() rewrites an earlier export file by file, leaves other files alone and no staging files", async () => {
  await writeFile(join(root, "gpt2", "notes.txt"), "mine");
  const model = await exported("gpt2", "gpt2");
  const names = await readdir(root);
  assert.is(await readFile(join(root, "gpt2", "notes.txt"), "utf8"), "mine");
  const inside = [...await readdir(join(root, "gpt2")), ...await readdir(join(root, "gpt2", "onnx"))];
  assert.not.ok(inside.some((n) => n.endsWith(".partial")), inside.join());
  assert.not.ok(names.some((n) => n.endsWith(".partial") || n.endsWith(".previous")), names.join());
  model.dispose();
});

test("exportOnnx() names a folder that is not a checkpoint", async () => {
  const error = await exportOnnx(join(root, "nothing"), join(root, "out")).catch((e: Error) => e);
  assert.match((error as Error).message, /not a checkpoint folder: config\.json is missing/);
});

test.after(() => rm(root, { recursive: true, force: true }));

test.run();
