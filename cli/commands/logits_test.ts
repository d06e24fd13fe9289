import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { charTokenizer } from "../../core/tokenizer/mod.ts";
import { saveCheckpoint } from "../../trainer/engine/io/checkpoint/save_checkpoint.ts";
import { createModel } from "../../trainer/engine/model/model.ts";
import type { ModelConfig } from "../../trainer/engine/types.ts";
import { memoryIO } from "../io.ts";
import { parseTokenIds, run } from "./logits.ts";

const tokenizer = charTokenizer();
const config: ModelConfig = {
  family: "gpt2", vocabSize: tokenizer.vocabSize, maxSeqLen: 32, nLayer: 2, nHead: 2, nKvHead: 2, nEmbd: 8,
  nInner: 32, normEps: 1e-5, ropeTheta: 10000, qkvBias: true, tieEmbeddings: true,
};

test("toolrl logits prints the saved model's tokens and logits as JSON", async () => {
  const dir = await mkdtemp(join(tmpdir(), "toolrl-logits-"));
  try {
    const model = await createModel(config, { tokenizer, seed: 4 });
    await saveCheckpoint(join(dir, "ckpt"), { config, weights: await model.stateDict(), tokenizer });
    const io = memoryIO();
    assert.is(await run([join(dir, "ckpt"), "--text", "2+2=4"], io), 0);
    const out = JSON.parse(io.out) as { tokens: number[]; logits: number[][] };
    assert.equal(out.tokens, tokenizer.encode("2+2=4"));
    const expected = await model.logits({ tokens: Int32Array.from(out.tokens), B: 1, T: out.tokens.length });
    assert.is(out.logits.length, out.tokens.length);
    assert.ok(out.logits.every((row) => row.length === config.vocabSize));
    assert.equal(out.logits.flat(), Array.from(expected));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("toolrl logits refuses NaN weights, and with --allow-nonfinite exits 1 instead of printing null logits", async () => {
  const dir = await mkdtemp(join(tmpdir(), "toolrl-logits-"));
  try {
    const model = await createModel(config, { tokenizer, seed: 4 });
    const weights = await model.stateDict();
    for (const tensor of weights.values()) tensor.data.fill(NaN);
    await saveCheckpoint(join(dir, "ckpt"), { config, weights, tokenizer });
    const refused = await run([join(dir, "ckpt"), "--text", "2+2"], memoryIO()).then(() => "ran", (error: Error) => error.message);
    assert.match(refused, /is NaN; the checkpoint is damaged/);
    const io = memoryIO();
    assert.is(await run([join(dir, "ckpt"), "--text", "2+2", "--allow-nonfinite"], io), 1);
    assert.is(io.out, "");
    assert.match(io.err, /is NaN; the weights are damaged/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("toolrl logits without --text or a folder exits 2 and says what is missing", async () => {
  const io = memoryIO();
  assert.is(await run(["some/dir"], io), 2);
  assert.match(io.err, /no --text/);
  const io2 = memoryIO();
  assert.is(await run(["--text", "hi"], io2), 2);
  assert.match(io2.err, /no checkpoint folder/);
});

test("parseTokenIds() reads comma-separated ids and names the first bad entry", () => {
  assert.equal(parseTokenIds("5, 7,9"), [5, 7, 9]);
  assert.equal(parseTokenIds("0"), [0]);
  assert.match(parseTokenIds("1,-2,3") as string, /entry "-2" is not a non-negative integer/);
  assert.match(parseTokenIds("1,,3") as string, /entry "" is not/);
  assert.match(parseTokenIds("1.5") as string, /entry "1.5"/);
  assert.match(parseTokenIds("") as string, /--tokens is empty/);
});

test("toolrl logits --tokens loads a folder without tokenizer files and scores exactly those ids", async () => {
  const dir = await mkdtemp(join(tmpdir(), "toolrl-logits-"));
  try {
    const model = await createModel(config, { tokenizer, seed: 5 });
    const ckpt = join(dir, "ckpt");
    await saveCheckpoint(ckpt, { config, weights: await model.stateDict(), tokenizer });
    // what transformers' save_pretrained leaves: config.json and the weights, no tokenizer
    for (const name of ["tokenizer.json", "tokenizer_config.json", "char_tokenizer.json"]) await rm(join(ckpt, name));
    const ids = [3, 250, 17, config.vocabSize - 1];
    const io = memoryIO();
    assert.is(await run([ckpt, "--tokens", ids.join(","), "--backend", "cpu"], io), 0, io.err);
    const out = JSON.parse(io.out) as { tokens: number[]; logits: number[][]; backend: string };
    assert.equal(out.tokens, ids);
    assert.is(out.backend, "cpu");
    const expected = await model.logits({ tokens: Int32Array.from(ids), B: 1, T: ids.length });
    assert.equal(out.logits.flat(), Array.from(expected));
    const refused = await run([ckpt, "--text", "hi"], memoryIO()).then(() => "ran", (error: Error) => error.message);
    assert.match(refused, /tokenizer\.json is missing/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("toolrl logits refuses ids outside the vocabulary, --text with --tokens, and unknown backends (exit 2)", async () => {
  const dir = await mkdtemp(join(tmpdir(), "toolrl-logits-"));
  try {
    const model = await createModel(config, { tokenizer, seed: 5 });
    await saveCheckpoint(join(dir, "ckpt"), { config, weights: await model.stateDict(), tokenizer });
    const outside = memoryIO();
    assert.is(await run([join(dir, "ckpt"), "--tokens", `1,${config.vocabSize}`], outside), 2);
    assert.match(outside.err, new RegExp(`token id ${config.vocabSize} is outside the model's vocabulary of ${config.vocabSize}`));
    const both = memoryIO();
    assert.is(await run([join(dir, "ckpt"), "--tokens", "1", "--text", "a"], both), 2);
    assert.match(both.err, /--text or --tokens, not both/);
    const gpu = memoryIO();
    assert.is(await run([join(dir, "ckpt"), "--tokens", "1", "--backend", "cuda"], gpu), 2);
    assert.match(gpu.err, /--backend must be cpu or webgpu, got "cuda"/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
