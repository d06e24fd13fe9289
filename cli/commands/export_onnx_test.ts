import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import process from "node:process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../main.ts";
import { memoryIO } from "../io.ts";
import { saveCheckpoint } from "../../trainer/engine/io/checkpoint/save_checkpoint.ts";
import { fixtureConfig, fixtureModel, fixtureTokenizer as tokenizer } from "../../trainer/onnx/testing/fixtures.ts";

test("toolrl export-onnx <checkpoint> <dir> writes the folder and describes it as JSON", async () => {
  const root = await mkdtemp(join(tmpdir(), "toolrl-cli-onnx-"));
  try {
    const config = fixtureConfig("qwen2");
    const model = await fixtureModel(config);
    await saveCheckpoint(join(root, "ckpt"), { config, weights: await model.stateDict(), tokenizer });
    model.dispose();
    const io = memoryIO();
    const code = await main(["export-onnx", join(root, "ckpt"), join(root, "onnx")], io);
    assert.is(code, 0, io.err);
    const summary = JSON.parse(io.out);
    assert.is(summary.family, "qwen2");
    assert.is(summary.onnxBytes, (await stat(join(root, "onnx", "onnx", "model.onnx"))).size);
    assert.ok(summary.parameters > 0);
    const hfConfig = JSON.parse(await readFile(join(root, "onnx", "config.json"), "utf8"));
    assert.is(hfConfig.num_key_value_heads, config.nKvHead);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test("toolrl export-onnx refuses a folder of other files without --overwrite, never deletes them, and writes into .", async () => {
  const root = await mkdtemp(join(tmpdir(), "toolrl-cli-onnx-"));
  const cwd = process.cwd();
  try {
    const config = fixtureConfig("gpt2");
    const model = await fixtureModel(config);
    await saveCheckpoint(join(root, "ckpt"), { config, weights: await model.stateDict(), tokenizer });
    model.dispose();
    const mine = join(root, "mine");
    await mkdir(mine);
    await writeFile(join(mine, "notes.txt"), "keep me");
    const refused = memoryIO();
    assert.is(await main(["export-onnx", join(root, "ckpt"), mine], refused), 2);
    assert.match(refused.err, /holds other files \(notes\.txt\) and no export; pass --overwrite/);
    assert.is((await readdir(mine)).join(), "notes.txt");
    const forced = memoryIO();
    assert.is(await main(["export-onnx", join(root, "ckpt"), mine, "--overwrite"], forced), 0, forced.err);
    assert.is(await readFile(join(mine, "notes.txt"), "utf8"), "keep me");
    assert.ok((await stat(join(mine, "onnx", "model.onnx"))).size > 0);
    // an earlier export is rewritten without the flag; "." is the current folder, never renamed
    assert.is(await main(["export-onnx", join(root, "ckpt"), mine], memoryIO()), 0);
    const here = join(root, "here");
    await mkdir(here);
    process.chdir(here);
    const dot = memoryIO();
    assert.is(await main(["export-onnx", join(root, "ckpt"), "."], dot), 0, dot.err);
    assert.ok((await stat(join(here, "config.json"))).isFile());
  } finally {
    process.chdir(cwd);
    await rm(root, { recursive: true, force: true });
  }
});

test("toolrl export-onnx refuses missing folders and unknown options with usage, exit code 2", async () => {
  for (const argv of [["export-onnx"], ["export-onnx", "a"], ["export-onnx", "a", "b", "--fp16"]]) {
    const io = memoryIO();
    assert.is(await main(argv, io), 2);
    assert.match(io.err, /usage: toolrl export-onnx <checkpoint-dir> <out-dir>/);
  }
});

test("toolrl --help lists export-onnx and export-onnx --help explains the folder", async () => {
  const io = memoryIO();
  await main(["--help"], io);
  assert.match(io.out, /export-onnx <checkpoint> <dir>/);
  const help = memoryIO();
  assert.is(await main(["export-onnx", "--help"], help), 0);
  assert.match(help.out, /onnx\/model\.onnx/);
});

test.run();
