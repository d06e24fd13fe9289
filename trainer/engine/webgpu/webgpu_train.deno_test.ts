import { test } from "uvu";
import * as assert from "uvu/assert";
import { asciiTokenizer } from "../conformance/fixtures.ts";
import { createModel } from "../model/model.ts";
import { tinyConfigs, trainSteps } from "./testing/tiny.ts";
import { createWebGpuBackend } from "./webgpu_backend.ts";

// Tolerance of the step-by-step comparison with the cpu run: float32 kernels summing in another
// order drift apart by ~1e-7 per step; 5e-5 relative leaves room for five steps, not for a wrong op.
const LOSS_RTOL = 5e-5;
const tokenizer = asciiTokenizer();
const backend = await createWebGpuBackend();
const relDiff = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));

for (const [family, config] of Object.entries(tinyConfigs)) {
  test(`5 SFT steps of a 2-layer ${family} on webgpu match the cpu run's losses step by step`, async () => {
    const cpu = await createModel(config, { tokenizer, seed: 7 });
    const gpu = await createModel(config, { tokenizer, seed: 7, backend });
    const expected = await trainSteps(cpu, 5);
    const actual = await trainSteps(gpu, 5);
    const worst = Math.max(...actual.map((a, i) => relDiff(a.loss, expected[i].loss)));
    console.log(`  ${family}: cpu losses ${expected.map((e) => e.loss.toFixed(5)).join(" ")}; webgpu max rel diff ${worst.toExponential(2)}`);
    assert.ok(expected[4].loss < expected[0].loss - 0.05, "the run learns, so the comparison covers real updates");
    actual.forEach((a, i) => {
      assert.ok(relDiff(a.loss, expected[i].loss) < LOSS_RTOL, `step ${i}: loss ${a.loss} vs cpu ${expected[i].loss}`);
      assert.ok(relDiff(a.gradNorm, expected[i].gradNorm) < 1e-3, `step ${i}: grad norm ${a.gradNorm} vs ${expected[i].gradNorm}`);
    });
    const [wc, wg] = [await cpu.stateDict(), await gpu.stateDict()];
    for (const [name, t] of wc) {
      const g = wg.get(name)!.data;
      const diff = Math.max(...t.data.map((v, i) => Math.abs(v - g[i])));
      assert.ok(diff < 1e-4, `${name} differs by ${diff} after training`);
    }
    cpu.dispose();
    gpu.dispose();
  });
}

test.run();
