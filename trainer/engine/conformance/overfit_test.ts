import { test } from "uvu";
import * as assert from "uvu/assert";
import { createCpuBackend } from "../cpu/cpu_backend.ts";
import { overfitTinyBatch } from "./overfit.ts";

for (const family of ["gpt2", "llama", "qwen2", "qwen3"] as const) {
  test(`a 2-layer ${family} model overfits a tiny batch on the cpu backend (loss < 0.05 within 50 steps)`, async () => {
    const { losses } = await overfitTinyBatch(createCpuBackend(), family, 50);
    assert.ok(losses[0] > 4, `initial loss ${losses[0]} should be near ln 97`);
    assert.ok(losses[losses.length - 1] < 0.05, `final loss ${losses[losses.length - 1]}`);
  });
}

test.run();
