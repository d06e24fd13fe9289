// The cpu backend with the wasm kernels (and tensors in the kernels' memory) passes the shared
// conformance suite, on one thread and with every kernel call split across two, in the plain SIMD
// build and in the relaxed-SIMD build (fused multiply-add) where the runtime runs it, with each of the
// two matmul micro-kernels.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createCpuBackend } from "../cpu/cpu_backend.ts";
import { opCases } from "../conformance/cases.ts";
import { checkPrefixCache } from "../conformance/prefix_cache_check.ts";
import { runConformance } from "../conformance/run.ts";
import { createWasmKernels, relaxedSimdAvailable } from "./wasm_kernels.ts";

const builds = (await relaxedSimdAvailable()) ? [false, true] : [false];
for (const relaxedSimd of builds) for (const microKernel of ["load", "shuffle"] as const) for (const threads of [1, 2]) {
  const build = `${relaxedSimd ? "relaxed SIMD" : "SIMD"}, ${microKernel} micro-kernel`;
  test(`the cpu backend with wasm kernels (${build}) passes every conformance case (${threads} thread${threads > 1 ? "s" : ""})`, async () => {
    const kernels = await createWasmKernels({ threads, minWorkPerChunk: 0, relaxedSimd, microKernel });
    try {
      const backend = createCpuBackend({ alloc: kernels.alloc, free: kernels.free, kernels, name: "cpu+wasm" });
      const report = await runConformance(backend);
      if (!report.ok) console.log(report.text);
      assert.ok(report.ok);
      assert.ok(report.comparisons.length >= opCases.length);
      assert.is(kernels.threads, threads);
      assert.is(kernels.relaxedSimd, relaxedSimd);
      assert.is(kernels.microKernel, microKernel);
    } finally {
      kernels.dispose();
    }
  });
}

test("the cpu backend with wasm kernels generates the same tokens with the prefix cache as without it (2 threads)", async () => {
  const kernels = await createWasmKernels({ threads: 2, minWorkPerChunk: 0 });
  try {
    const report = await checkPrefixCache(createCpuBackend({ alloc: kernels.alloc, free: kernels.free, kernels, name: "cpu+wasm" }));
    if (!report.ok) console.log(report.text);
    assert.ok(report.ok);
    assert.ok(report.hits > 0);
  } finally {
    kernels.dispose();
  }
});

test.run();
