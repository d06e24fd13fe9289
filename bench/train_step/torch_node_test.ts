// The PyTorch yardstick of the train-step bench: from the engine's weights and batch its first step's
// loss equals the engine's, and later steps lower it; a missing interpreter is a skip naming it.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createCpuBackend } from "../../trainer/engine/cpu/cpu_backend.ts";
import { tinyConfig } from "../../trainer/engine/model/config.ts";
import { charTokenizer } from "../../core/tokenizer/index.ts";
import { type EngineStep, engineStep, STEP_OPTIMIZER } from "./engine_step.ts";
import { openTorch } from "./torch_node.ts";

test("pytorch steps from the engine's init and batch: same first loss, then a lower one", async () => {
  const opened = await openTorch([1]);
  if ("skipped" in opened) {
    // Only where no python has torch; then the reason says so.
    assert.match(opened.skipped, /pytorch yardstick unavailable/);
    return;
  }
  const [torch] = opened;
  const config = { ...tinyConfig(charTokenizer().vocabSize), nLayer: 2, maxSeqLen: 16 };
  let engine: EngineStep | null = null;
  try {
    engine = await engineStep({ name: "test", config, B: 3, T: 16 }, createCpuBackend());
    assert.match(torch.name, /^pytorch \d+\.\d+/);
    await torch.load({ safetensors: engine.safetensors, config: { ...config }, tokens: engine.tokens, B: 3, T: 16, opt: STEP_OPTIMIZER });
    const engineLosses = [await engine.step(), await engine.step()];
    const { ms, losses } = await torch.steps(2);
    assert.ok(Math.abs(losses[0] - engineLosses[0]) < 1e-4, `first loss ${losses[0]} vs the engine's ${engineLosses[0]}`);
    assert.ok(Math.abs(losses[1] - engineLosses[1]) < 1e-3, `second loss ${losses[1]} vs the engine's ${engineLosses[1]}`);
    assert.ok(losses[1] < losses[0]);
    assert.ok(ms.every((t) => t > 0 && t < 10_000), JSON.stringify(ms));
  } finally {
    torch.close();
    engine?.model.dispose();
  }
});

test("no interpreter with torch is reported as a skip naming each one tried", async () => {
  const opened = await openTorch([1], ["python3-that-does-not-exist"]);
  assert.ok("skipped" in opened);
  assert.match((opened as { skipped: string }).skipped, /python3-that-does-not-exist: python3-that-does-not-exist not found/);
});

test.run();
