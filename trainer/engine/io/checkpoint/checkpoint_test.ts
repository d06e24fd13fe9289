import { test } from "uvu";
import * as assert from "uvu/assert";
import { charTokenizer } from "../../../../core/tokenizer/mod.ts";
import { type FileSystem, joinPath } from "../fs/fs.ts";
import { nodeFileSystem } from "../fs/fs_node.ts";
import { tempDir } from "../fs/testing/temp_dir.ts";
import { decodeSafetensors, type TensorMap } from "../safetensors/safetensors.ts";
import { bitsOf, randomWeights, tinyConfigs } from "../weights/testing/fixtures.ts";
import { loadCheckpoint } from "./load_checkpoint.ts";
import { type CheckpointParts, saveCheckpoint } from "./save_checkpoint.ts";

const fs = nodeFileSystem();
const decoder = new TextDecoder();

function assertSameTensors(actual: TensorMap | null, expected: TensorMap) {
  assert.ok(actual, "tensors present");
  assert.equal([...actual!.keys()].sort(), [...expected.keys()].sort());
  for (const [name, t] of expected) {
    assert.equal(actual!.get(name)!.shape, t.shape, name);
    assert.equal(bitsOf(actual!.get(name)!.data), bitsOf(t.data), name);
  }
}

function parts(family: keyof typeof tinyConfigs, seed: number): CheckpointParts {
  const config = tinyConfigs[family];
  const all = randomWeights(config, { seed, valueHead: true });
  const valueHead: TensorMap = new Map([...all].filter(([name]) => name.startsWith("v_head.")));
  const weights: TensorMap = new Map([...all].filter(([name]) => !name.startsWith("v_head.")));
  weights.values().next().value!.data.set([-0, 1e-45, 3.4028235e38]);
  const optimizer: TensorMap = new Map([["step", { shape: [1], data: new Float32Array([seed]) }]]);
  return { config, weights, valueHead, tokenizer: charTokenizer(), optimizer, trainerState: { step: seed, note: "é" } };
}

/** A FileSystem whose operations start failing (as if the process died) once `failAt` returns true. */
function crashingFs(failAt: (op: string, path: string) => boolean): FileSystem {
  let dead = false;
  const guard = <A extends unknown[], R>(op: string, fn: (...args: A) => Promise<R>) => (...args: A): Promise<R> => {
    if (dead || failAt(op, String(args[0]))) {
      dead = true;
      return Promise.reject(new Error(`simulated crash in ${op} ${args[0]}`));
    }
    return fn(...args);
  };
  return {
    ...fs,
    writeFile: guard("writeFile", fs.writeFile),
    rename: guard("rename", fs.rename),
    remove: guard("remove", fs.remove),
    mkdir: guard("mkdir", fs.mkdir),
  };
}

test("saveCheckpoint() then loadCheckpoint() is bit-exact for every family, with value head, optimizer and state", async () => {
  const tmp = await tempDir();
  try {
    for (const family of ["gpt2", "llama", "qwen2"] as const) {
      const dir = joinPath(tmp.path, `runs/${family}/checkpoint`);
      const saved = parts(family, 5);
      await saveCheckpoint(dir, saved);
      const loaded = await loadCheckpoint(dir);
      assert.equal(loaded.config, saved.config);
      assertSameTensors(loaded.weights, saved.weights);
      assertSameTensors(loaded.valueHead, saved.valueHead!);
      assertSameTensors(loaded.optimizer, saved.optimizer!);
      assert.equal(loaded.trainerState, saved.trainerState);
      assert.equal(loaded.tokenizer.encode("<call>é"), saved.tokenizer.encode("<call>é"));
      assert.is(loaded.dir, dir);
    }
  } finally {
    await tmp.cleanup();
  }
});

test("saveCheckpoint() writes Hugging Face files: config.json, F32 model.safetensors with format pt, tokenizer", async () => {
  const tmp = await tempDir();
  try {
    const dir = joinPath(tmp.path, "ckpt");
    const saved = parts("gpt2", 2);
    // A value head passed inside the weights goes to its own file too.
    await saveCheckpoint(dir, { ...saved, weights: new Map([...saved.weights, ...saved.valueHead!]), valueHead: undefined });
    const config = JSON.parse(decoder.decode(await fs.readFile(joinPath(dir, "config.json"))));
    assert.equal(config.architectures, ["GPT2LMHeadModel"]);
    assert.equal([config.eos_token_id, config.pad_token_id], [saved.tokenizer.eosId, saved.tokenizer.padId]);
    const model = decodeSafetensors(await fs.readFile(joinPath(dir, "model.safetensors")));
    assert.equal(model.metadata, { format: "pt" });
    assert.not.ok(model.tensors.has("v_head.summary.weight"));
    const head = decodeSafetensors(await fs.readFile(joinPath(dir, "value_head.safetensors")));
    assert.equal([...head.tensors.keys()], ["v_head.summary.weight", "v_head.summary.bias"]);
    for (const name of ["tokenizer.json", "tokenizer_config.json", "char_tokenizer.json", "optimizer.safetensors", "trainer_state.json"]) {
      assert.ok(await fs.exists(joinPath(dir, name)), name);
    }
    assert.not.ok(await fs.exists(`${dir}.partial`));
    assert.not.ok(await fs.exists(`${dir}.previous`));
  } finally {
    await tmp.cleanup();
  }
});

test("a write that fails mid-save leaves the previous checkpoint intact and loadable", async () => {
  const tmp = await tempDir();
  try {
    const dir = joinPath(tmp.path, "ckpt");
    const first = parts("llama", 1);
    await saveCheckpoint(dir, first);
    const second = parts("llama", 2);
    const failing = crashingFs((op, path) => op === "writeFile" && path.endsWith("optimizer.safetensors"));
    await saveCheckpoint(dir, second, { fs: failing }).then(
      () => assert.unreachable("the save should fail"),
      (error: Error) => assert.ok(error.message.includes("simulated crash"), error.message),
    );
    const loaded = await loadCheckpoint(dir);
    assertSameTensors(loaded.weights, first.weights);
    assert.equal(loaded.trainerState, first.trainerState);
    await saveCheckpoint(dir, second);
    assertSameTensors((await loadCheckpoint(dir)).weights, second.weights);
  } finally {
    await tmp.cleanup();
  }
});

test("a crash between the two renames leaves the previous checkpoint loadable, and the next save recovers", async () => {
  const tmp = await tempDir();
  try {
    const dir = joinPath(tmp.path, "ckpt");
    const first = parts("qwen2", 1);
    await saveCheckpoint(dir, first);
    const crashing = crashingFs((op, path) => op === "rename" && path.endsWith(".partial"));
    await saveCheckpoint(dir, parts("qwen2", 2), { fs: crashing }).catch(() => {});
    assert.not.ok(await fs.exists(dir), "the crash happened after the old folder moved aside");
    const loaded = await loadCheckpoint(dir);
    assert.is(loaded.dir, `${dir}.previous`);
    assertSameTensors(loaded.weights, first.weights);
    const third = parts("qwen2", 3);
    await saveCheckpoint(dir, third);
    assertSameTensors((await loadCheckpoint(dir)).weights, third.weights);
    assert.not.ok(await fs.exists(`${dir}.previous`));
    assert.not.ok(await fs.exists(`${dir}.partial`));
  } finally {
    await tmp.cleanup();
  }
});

test("saveCheckpoint() refuses weights that do not match the config before writing anything", async () => {
  const tmp = await tempDir();
  try {
    const dir = joinPath(tmp.path, "ckpt");
    const bad = parts("gpt2", 1);
    bad.weights.delete("transformer.ln_f.bias");
    await saveCheckpoint(dir, bad).then(
      () => assert.unreachable("should refuse"),
      (error: Error) => assert.ok(error.message.includes("missing 1: transformer.ln_f.bias"), error.message),
    );
    assert.not.ok(await fs.exists(dir));
    assert.not.ok(await fs.exists(`${dir}.partial`));
  } finally {
    await tmp.cleanup();
  }
});

test("loadCheckpoint() names the folder and the missing file", async () => {
  const tmp = await tempDir();
  try {
    await loadCheckpoint(joinPath(tmp.path, "nothing")).then(
      () => assert.unreachable("should fail"),
      (error: Error) => assert.ok(error.message.includes("nothing") && error.message.includes("config.json"), error.message),
    );
    await fs.writeFile(joinPath(tmp.path, "config.json"), JSON.stringify({ model_type: "gpt2", n_embd: 4, n_head: 2, n_layer: 1, n_positions: 4, vocab_size: 5 }));
    await loadCheckpoint(tmp.path).then(
      () => assert.unreachable("should fail"),
      (error: Error) => assert.ok(error.message.includes("model.safetensors.index.json"), error.message),
    );
  } finally {
    await tmp.cleanup();
  }
});

test.run();
