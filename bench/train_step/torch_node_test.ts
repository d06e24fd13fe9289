// The PyTorch yardstick of the train-step bench: from the engine's weights and batch, PyTorch's losses
// over three steps (forward, backward, clipping, AdamW) equal the engine's on the TypeScript reference
// and on the wasm kernels; a missing interpreter is a skip naming it.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { benchBackend } from "../engine.ts";
import { tinyConfig } from "../../trainer/engine/model/config.ts";
import { type EngineStep, engineStep, STEP_OPTIMIZER } from "./engine_step.ts";
import { openTorch } from "./torch_node.ts";

for (const backendName of ["cpu", "wasm"]) {
  test(`pytorch steps from the engine's init and batch lose what the engine (${backendName}) loses, step by step`, async () => {
    const opened = await openTorch([1]);
    if ("skipped" in opened) {
      // Only where no python has torch; then the reason says so.
      assert.match(opened.skipped, /pytorch yardstick unavailable/);
      return;
    }
    const [torch] = opened;
    const { backend, dispose } = await benchBackend(backendName, { threads: 2 });
    // GQA (4 query heads over 2), a vocabulary larger than the tokenizer's, every op of a step
    const config = { ...tinyConfig(300), nLayer: 2, maxSeqLen: 32 };
    let engine: EngineStep | null = null;
    try {
      engine = await engineStep({ name: "test", config, B: 3, T: 32 }, backend);
      assert.match(torch.name, /^pytorch \d+\.\d+/);
      await torch.load({ safetensors: engine.safetensors, config: { ...config }, tokens: engine.tokens, B: 3, T: 32, opt: STEP_OPTIMIZER });
      const engineLosses = [await engine.step(), await engine.step(), await engine.step()];
      const { ms, losses } = await torch.steps(3);
      losses.forEach((loss, i) => assert.ok(Math.abs(loss - engineLosses[i]) < 1e-4, `step ${i}: ${loss} vs the engine's ${engineLosses[i]}`));
      assert.ok(losses[2] < losses[0]);
      assert.ok(ms.every((t) => t > 0 && t < 10_000), JSON.stringify(ms));
    } finally {
      torch.close();
      engine?.model.dispose();
      dispose();
    }
  });
}

test("no interpreter with torch is reported as a skip naming each one tried", async () => {
  const opened = await openTorch([1], ["python3-that-does-not-exist"]);
  assert.ok("skipped" in opened);
  assert.match((opened as { skipped: string }).skipped, /python3-that-does-not-exist: python3-that-does-not-exist not found/);
});

test.run();
