import { test } from "uvu";
import * as assert from "uvu/assert";
import { opCases } from "../conformance/cases.ts";
import type { Comparison } from "../conformance/compare.ts";
import { DEFAULT_TOLERANCE, runConformance } from "../conformance/run.ts";
import { shapeCases } from "./testing/shape_cases.ts";
import { createWebGpuBackend } from "./webgpu_backend.ts";

// Tolerances: the shared defaults (forward atol 1e-5 + rtol 1e-4, backward atol 1e-4 + rtol 1e-3),
// the same the cpu backend's faster kernels must meet.
const backend = await createWebGpuBackend();
const worst = (comparisons: Comparison[]) =>
  comparisons.reduce((a, c) => (c.maxAbsDiff > a.maxAbsDiff ? c : a), comparisons[0]);

test(`the webgpu backend passes every shared conformance case (${backend.adapter.description})`, async () => {
  const report = await runConformance(backend, { tolerance: DEFAULT_TOLERANCE });
  if (!report.ok) console.log(report.text);
  const w = worst(report.comparisons);
  console.log(`  shared cases: ${report.comparisons.length} outputs, largest max|diff| ${w.maxAbsDiff.toExponential(2)} (${w.name})`);
  assert.ok(report.ok);
  assert.ok(report.comparisons.length >= opCases.length);
});

test("the webgpu backend matches the cpu backend at shapes spanning several tiles and workgroups", async () => {
  const report = await runConformance(backend, { cases: shapeCases, tolerance: DEFAULT_TOLERANCE });
  if (!report.ok) console.log(report.text);
  const w = worst(report.comparisons);
  console.log(`  larger shapes: ${report.comparisons.length} outputs, largest max|diff| ${w.maxAbsDiff.toExponential(2)} (${w.name})`);
  assert.ok(report.ok);
});

test("a kernel that is off by a little fails the comparison with its first mismatches", async () => {
  const wrong = Object.create(backend);
  wrong.geluForward = (out: never, inp: never, n: number) => backend.geluForward(out, inp, n - 1);
  const report = await runConformance(wrong, { cases: opCases.filter((c) => c.name === "geluForward") });
  assert.not.ok(report.ok);
  assert.match(report.text, /FAIL geluForward: out/);
  assert.match(report.comparisons[0].mismatches[0], /^\[125\] expected/);
});

test.run();
