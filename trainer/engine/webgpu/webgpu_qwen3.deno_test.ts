// Qwen3 on WebGPU against the PyTorch reference of trainer/engine/model/fixtures/qwen3 (modeling_qwen3's math
// in float64): logits, loss and every weight gradient, within the same tolerances as the cpu backends.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { formatComparisons } from "../conformance/compare.ts";
import { checkQwen3Reference } from "../model/testing/qwen3_reference.ts";
import { createWebGpuBackend } from "./webgpu_backend.ts";

const backend = await createWebGpuBackend();

test(`qwen3 on webgpu matches PyTorch's logits, loss and every weight gradient (${backend.adapter.description})`, async () => {
  const comparisons = await checkQwen3Reference(backend);
  if (!comparisons.every((c) => c.ok)) console.log(formatComparisons(comparisons));
  const worst = comparisons.reduce((a, c) => (c.maxAbsDiff > a.maxAbsDiff ? c : a));
  console.log(`  webgpu: ${comparisons.length} outputs, largest max|diff| ${worst.maxAbsDiff.toExponential(2)} (${worst.name})`);
  assert.ok(comparisons.every((c) => c.ok));
  assert.is(comparisons.length, 26);
});

test.run();
