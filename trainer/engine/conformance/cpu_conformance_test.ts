import { test } from "uvu";
import * as assert from "uvu/assert";
import { createCpuBackend } from "../cpu/cpu_backend.ts";
import { matmulBackward, matmulForward } from "../cpu/ops/matmul.ts";
import { opCases } from "./cases.ts";
import { runConformance } from "./run.ts";

/** A bump allocator over one ArrayBuffer, the way WebAssembly memory hands out views. */
function arena(bytes: number) {
  const buffer = new ArrayBuffer(bytes);
  let offset = 0;
  return (length: number) => {
    const view = new Float32Array(buffer, offset, length);
    offset += Math.ceil((length * 4) / 16) * 16;
    return view;
  };
}

test("the cpu backend passes every conformance case", async () => {
  const report = await runConformance(createCpuBackend());
  if (!report.ok) console.log(report.text);
  assert.ok(report.ok);
  assert.ok(report.comparisons.length >= opCases.length);
});

test("the cpu backend passes with tensors carved from one shared buffer", async () => {
  const report = await runConformance(createCpuBackend({ alloc: arena(1 << 22) }));
  if (!report.ok) console.log(report.text);
  assert.ok(report.ok);
});

test("runConformance reports a wrong kernel with its max difference and first mismatches", async () => {
  const wrong = createCpuBackend({
    kernels: {
      matmulForward: (out, inp, weight, bias, BT, C, OC) => {
        matmulForward(out, inp, weight, bias, BT, C, OC);
        out[3] += 0.5;
      },
    },
  });
  const report = await runConformance(wrong);
  assert.not.ok(report.ok);
  const failed = report.comparisons.filter((c) => !c.ok);
  assert.ok(failed.every((c) => c.name.startsWith("matmulForward")));
  assert.ok(Math.abs(failed[0].maxAbsDiff - 0.5) < 1e-5);
  assert.match(failed[0].mismatches[0], /^\[3\] expected/);
  assert.match(report.text, /FAIL matmulForward/);
});

test("runConformance catches a backward that overwrites instead of accumulating", async () => {
  const overwriting = createCpuBackend({
    kernels: {
      matmulBackward: (dinp, dweight, dbias, dout, inp, weight, BT, C, OC) => {
        dinp.fill(0);
        dweight.fill(0);
        dbias?.fill(0);
        matmulBackward(dinp, dweight, dbias, dout, inp, weight, BT, C, OC);
      },
    },
  });
  const report = await runConformance(overwriting);
  assert.ok(report.comparisons.some((c) => !c.ok && c.name.startsWith("matmulBackward")));
});

test.run();
