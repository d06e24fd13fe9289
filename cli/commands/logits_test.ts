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
import { run } from "./logits.ts";

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

test.run();
