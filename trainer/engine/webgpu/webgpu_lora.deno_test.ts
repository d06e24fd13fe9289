// LoRA on WebGPU against the cpu reference: 4 SFT steps with adapters on all seven projections of a qwen3.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loraRun } from "../model/testing/lora_fixture.ts";
import { createWebGpuBackend } from "./webgpu_backend.ts";

const backend = await createWebGpuBackend();

test(`4 LoRA SFT steps on webgpu match the cpu run: losses and every adapter (${backend.adapter.description})`, async () => {
  const cpu = await loraRun(undefined, 4);
  const gpu = await loraRun(backend, 4);
  gpu.losses.forEach((l, i) => assert.ok(Math.abs(l - cpu.losses[i]) < 5e-5 * Math.abs(cpu.losses[i]), `step ${i}: ${l} vs ${cpu.losses[i]}`));
  assert.ok(cpu.losses[3] < cpu.losses[0], "the adapters learn");
  let worst = 0;
  for (const [name, t] of cpu.adapters) {
    const g = gpu.adapters.get(name)!.data;
    worst = Math.max(worst, ...t.data.map((v, i) => Math.abs(v - g[i])));
  }
  console.log(`  losses ${cpu.losses.map((l) => l.toFixed(5)).join(" ")}; adapters max |diff| ${worst.toExponential(2)}`);
  assert.ok(worst < 1e-4);
});

test.run();
