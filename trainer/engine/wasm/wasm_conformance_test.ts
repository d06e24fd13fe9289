// The cpu backend with the wasm kernels (and tensors in the kernels' memory) passes the shared
// conformance suite, on one thread and with every kernel call split across two.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createCpuBackend } from "../cpu/cpu_backend.ts";
import { opCases } from "../conformance/cases.ts";
import { runConformance } from "../conformance/run.ts";
import { createWasmKernels } from "./wasm_kernels.ts";

for (const threads of [1, 2]) {
  test(`the cpu backend with wasm kernels passes every conformance case (${threads} thread${threads > 1 ? "s" : ""})`, async () => {
    const kernels = await createWasmKernels({ threads, minWorkPerChunk: 0 });
    try {
      const backend = createCpuBackend({ alloc: kernels.alloc, free: kernels.free, kernels, name: "cpu+wasm" });
      const report = await runConformance(backend);
      if (!report.ok) console.log(report.text);
      assert.ok(report.ok);
      assert.ok(report.comparisons.length >= opCases.length);
      assert.is(kernels.threads, threads);
    } finally {
      kernels.dispose();
    }
  });
}

test.run();
