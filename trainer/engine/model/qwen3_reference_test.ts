// Qwen3 (per-head q/k norms, head_dim 8 ≠ hidden_size / heads 4, tied head) against a PyTorch reference written
// from transformers' modeling_qwen3 (fixtures/qwen3/make_reference.py): logits, loss and every weight gradient,
// on the cpu reference and on the cpu backend with the wasm kernels.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createCpuBackend } from "../cpu/cpu_backend.ts";
import { formatComparisons } from "../conformance/compare.ts";
import { createWasmKernels } from "../wasm/wasm_kernels.ts";
import { checkQwen3Reference } from "./testing/qwen3_reference.ts";

function expectAllOk(label: string, comparisons: Awaited<ReturnType<typeof checkQwen3Reference>>) {
  if (!comparisons.every((c) => c.ok)) console.log(formatComparisons(comparisons));
  const worst = comparisons.reduce((a, c) => (c.maxAbsDiff > a.maxAbsDiff ? c : a));
  console.log(`  ${label}: ${comparisons.length} outputs, largest max|diff| ${worst.maxAbsDiff.toExponential(2)} (${worst.name})`);
  assert.ok(comparisons.every((c) => c.ok));
  // logits, loss, and 2 layers × 11 weights + embedding + final norm
  assert.is(comparisons.length, 2 + 2 * 11 + 2);
}

test("qwen3 on the cpu reference matches PyTorch's logits, loss and every weight gradient", async () => {
  expectAllOk("cpu", await checkQwen3Reference(createCpuBackend()));
});

test("qwen3 on the cpu backend with wasm kernels matches PyTorch's logits, loss and every weight gradient", async () => {
  const kernels = await createWasmKernels({ threads: 1 });
  try {
    expectAllOk("cpu+wasm", await checkQwen3Reference(createCpuBackend({ alloc: kernels.alloc, free: kernels.free, kernels, name: "cpu+wasm" })));
  } finally {
    kernels.dispose();
  }
});

test("the reference check fails when the q norm is skipped", async () => {
  const backend = createCpuBackend();
  const skipping = Object.create(backend);
  // a norm over hs = 8 rows that copies its input instead of normalising it (the q/k norms are the only such calls)
  skipping.rmsnormForward = (out: never, rstd: never, inp: never, weight: never, N: number, C: number, eps: number) =>
    C === 8 ? backend.copy(out, inp, N * C) : backend.rmsnormForward(out, rstd, inp, weight, N, C, eps);
  const comparisons = await checkQwen3Reference(skipping);
  assert.not.ok(comparisons.find((c) => c.name === "logits")!.ok);
});

test.run();
