import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { charTokenizer } from "../../core/tokenizer/mod.ts";
import { createCpuBackend } from "../../trainer/engine/cpu/cpu_backend.ts";
import { loadCheckpoint } from "../../trainer/engine/io/checkpoint/load_checkpoint.ts";
import { saveCheckpoint } from "../../trainer/engine/io/checkpoint/save_checkpoint.ts";
import { defaultFileSystem } from "../../trainer/engine/io/fs/fs.ts";
import { peftAdapterFiles } from "../../trainer/engine/io/lora/peft_adapter.ts";
import { tinyConfig } from "../../trainer/engine/model/config.ts";
import { createModel } from "../../trainer/engine/model/model.ts";
import { median, timeTrainSteps } from "./train_step.ts";

const tokenizer = charTokenizer();
const config = { ...tinyConfig(tokenizer.vocabSize), nLayer: 1, family: "qwen3" as const, headDim: 32 };
const lora = { rank: 4, alpha: 8, targetModules: ["q_proj", "down_proj"] };
const B = 2, T = 8;
const tokens = Array.from({ length: B * T }, (_, i) => (i * 29 + 3) % tokenizer.vocabSize);

/** A folder as torch_timing.py writes it: checkpoint, batch.json, adapter/ (A random, B zero). */
async function stepFolder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "toolrl-device-step-"));
  const model = await createModel(config, { tokenizer, seed: 3, lora });
  await saveCheckpoint(join(dir, "ckpt"), { config, weights: await model.stateDict(), tokenizer });
  await writeFile(join(dir, "ckpt", "batch.json"), JSON.stringify({ B, T, tokens }));
  await mkdir(join(dir, "ckpt", "adapter"));
  for (const [name, data] of peftAdapterFiles({ lora, tensors: await model.adapterState(), baseModel: ".." })) {
    await writeFile(join(dir, "ckpt", "adapter", name), data);
  }
  return dir;
}

test("median() of odd and even lists, null for none", () => {
  assert.is(median([3, 1, 2]), 2);
  assert.is(median([4, 1, 3, 2]), 2.5);
  assert.is(median([]), null);
});

test("timeTrainSteps() starts from the checkpoint's loss, lowers it, and LoRA starts where full fine-tuning does", async () => {
  const dir = await stepFolder();
  try {
    const fs = await defaultFileSystem();
    const ckpt = join(dir, "ckpt");
    const reference = await createModel(config, { tokenizer, seed: 99 });
    const saved = await loadCheckpoint(ckpt);
    await reference.loadStateDict(saved.weights);
    const { logprobs } = await reference.forward({ tokens: Int32Array.from(tokens), B, T });
    const firstLoss = -logprobs.reduce((a, b) => a + b, 0) / logprobs.length;
    const full = await timeTrainSteps(ckpt, { fs, backend: createCpuBackend(), mode: "full", warmup: 1, steps: 3 });
    assert.is(full.losses.length, 4);
    assert.is(full.stepMs.length, 3);
    assert.ok(Math.abs(full.losses[0] - firstLoss) < 1e-5, `${full.losses[0]} against ${firstLoss}`);
    assert.ok(full.losses[3] < full.losses[0] - 0.05, `full fine-tuning lowers the loss: ${full.losses}`);
    const adapted = await timeTrainSteps(ckpt, { fs, backend: createCpuBackend(), mode: "lora", warmup: 1, steps: 2 });
    assert.ok(Math.abs(adapted.losses[0] - firstLoss) < 1e-5, "B is zero, so the adapted model starts as the base");
    assert.ok(adapted.losses[2] < adapted.losses[0], `the adapters learn: ${adapted.losses}`);
    assert.ok(adapted.losses[2] > full.losses[2], "with far fewer trainable weights LoRA moves less than full fine-tuning");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("timeTrainSteps() stops at the deadline after the first step, and refuses a batch of the wrong size", async () => {
  const dir = await stepFolder();
  try {
    const fs = await defaultFileSystem();
    const ckpt = join(dir, "ckpt");
    const lines: string[] = [];
    const cut = await timeTrainSteps(ckpt, {
      fs, backend: createCpuBackend(), mode: "full", warmup: 1, steps: 5, deadlineMs: 0, log: (line) => lines.push(line),
    });
    assert.is(cut.losses.length, 1);
    assert.equal(cut.stepMs, []);
    assert.is(cut.medianMs, null);
    assert.ok(cut.firstStepMs !== null && cut.firstStepMs > 0);
    assert.match(lines.at(-1)!, /stopping after 1 steps/);
    await writeFile(join(ckpt, "batch.json"), JSON.stringify({ B, T, tokens: tokens.slice(1) }));
    const refused = await timeTrainSteps(ckpt, { fs, backend: createCpuBackend(), mode: "full", warmup: 0, steps: 1 })
      .then(() => "ran", (error: Error) => error.message);
    assert.match(refused, /holds 15 ids, not B·T = 16/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
