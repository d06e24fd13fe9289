// `toolrl logits --backend webgpu` runs the checkpoint on the WebGPU adapter, says which, and agrees with the cpu
// reference: what the GPU device check (scripts/device_check.sh) relies on to prove where its logits came from.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { charTokenizer } from "../../core/tokenizer/mod.ts";
import { saveCheckpoint } from "../../trainer/engine/io/checkpoint/save_checkpoint.ts";
import { tinyConfig } from "../../trainer/engine/model/config.ts";
import { createModel } from "../../trainer/engine/model/model.ts";
import { memoryIO } from "../io.ts";
import { run } from "./logits.ts";

test("toolrl logits --backend webgpu names the adapter and matches the cpu reference to 1e-5 relative", async () => {
  const dir = await mkdtemp(join(tmpdir(), "toolrl-logits-webgpu-"));
  try {
    const tokenizer = charTokenizer();
    const config = { ...tinyConfig(tokenizer.vocabSize), nLayer: 2, family: "qwen3" as const, headDim: 32 };
    const model = await createModel(config, { tokenizer, seed: 8 });
    await saveCheckpoint(join(dir, "ckpt"), { config, weights: await model.stateDict(), tokenizer });
    const outputs = [];
    for (const backend of ["cpu", "webgpu"]) {
      const io = memoryIO();
      assert.is(await run([join(dir, "ckpt"), "--tokens", "3,90,17,250,4", "--backend", backend], io), 0, io.err);
      outputs.push(JSON.parse(io.out) as { logits: number[][]; backend: string; adapter?: { description: string } });
    }
    const [cpu, gpu] = outputs;
    assert.is(gpu.backend, "webgpu");
    assert.type(gpu.adapter?.description, "string");
    assert.is(cpu.adapter, undefined);
    const a = gpu.logits.flat(), b = cpu.logits.flat();
    const maxAbs = Math.max(...a.map((x, i) => Math.abs(x - b[i])));
    const scale = Math.max(...b.map(Math.abs));
    assert.ok(maxAbs / scale < 1e-5, `max rel diff ${maxAbs / scale} on ${gpu.adapter?.description}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
