import { test } from "uvu";
import * as assert from "uvu/assert";
import { charTokenizer } from "../../../../core/tokenizer/mod.ts";
import { joinPath } from "../fs/fs.ts";
import { nodeFileSystem } from "../fs/fs_node.ts";
import { tempDir } from "../fs/testing/temp_dir.ts";
import { randomWeights, tinyConfigs } from "../weights/testing/fixtures.ts";
import { loadCheckpoint } from "./load_checkpoint.ts";
import { saveCheckpoint } from "./save_checkpoint.ts";

const fs = nodeFileSystem();

/** Saves a tiny `family` checkpoint, lets `edit` change config.json or the weights, and returns the load error (or "loaded"). */
async function loadEdited(
  family: keyof typeof tinyConfigs,
  edit: { config?: Record<string, unknown>; poison?: number },
  options: { allowNonfinite?: boolean } = {},
): Promise<string> {
  const dir = await tempDir();
  try {
    const config = tinyConfigs[family];
    const weights = randomWeights(config, { seed: 1 });
    if (edit.poison !== undefined) weights.values().next().value!.data[3] = edit.poison;
    await saveCheckpoint(dir.path, { config, weights, tokenizer: charTokenizer() });
    const path = joinPath(dir.path, "config.json");
    const json = JSON.parse(new TextDecoder().decode(await fs.readFile(path)));
    await fs.writeFile(path, JSON.stringify({ ...json, ...edit.config }));
    await loadCheckpoint(dir.path, { fs, ...options });
    return "loaded";
  } catch (error) {
    return (error as Error).message;
  } finally {
    await dir.cleanup();
  }
}

test("loadCheckpoint() refuses num_hidden_layers beyond the layers in the weights, quickly and naming the field", async () => {
  const started = performance.now();
  const message = await loadEdited("qwen2", { config: { num_hidden_layers: 1e9 } });
  assert.match(message, /config\.json: num_hidden_layers 1000000000 is more than the \d+ layers in the weights/);
  assert.ok(performance.now() - started < 2000);
  assert.match(await loadEdited("gpt2", { config: { n_layer: 1e6 } }), /n_layer 1000000 is more than/);
});

test("loadCheckpoint() refuses max_position_embeddings past 2^20, naming the field", async () => {
  assert.match(await loadEdited("llama", { config: { max_position_embeddings: 1e9 } }), /max_position_embeddings 1000000000 is over/);
});

test("loadCheckpoint() refuses NaN or infinite weights unless allowNonfinite", async () => {
  assert.match(await loadEdited("gpt2", { poison: NaN }), /\[3\] is NaN; the checkpoint is damaged/);
  assert.match(await loadEdited("qwen2", { poison: -Infinity }), /is -Infinity/);
  assert.is(await loadEdited("gpt2", { poison: NaN }, { allowNonfinite: true }), "loaded");
});

test("loadCheckpoint() of a training run's folder names its checkpoint/ (a folder that is neither says only what is missing)", async () => {
  const dir = await tempDir();
  try {
    const config = tinyConfigs.llama;
    await saveCheckpoint(joinPath(dir.path, "checkpoint"), { config, weights: randomWeights(config, { seed: 1 }), tokenizer: charTokenizer() });
    const message = await loadCheckpoint(dir.path, { fs }).then(() => "loaded", (error: Error) => error.message);
    assert.match(message, `${dir.path} is not a checkpoint folder: config.json is missing. It is a run folder: did you mean ${joinPath(dir.path, "checkpoint")}?`);
    const empty = await loadCheckpoint(joinPath(dir.path, "nothing"), { fs }).then(() => "loaded", (error: Error) => error.message);
    assert.match(empty, /is not a checkpoint folder: config.json is missing\.$/, empty);
  } finally {
    await dir.cleanup();
  }
});

test.run();
