import { test } from "uvu";
import * as assert from "uvu/assert";
import { formatTable, runMatmulBench } from "./suite.ts";
import { formatSweep, runSplitSweep } from "./split_sweep.ts";

test("runMatmulBench() measures every implementation and relates each wasm build on 2 threads to the yardstick", async () => {
  const report = await runMatmulBench({
    shapes: [{ name: "small", BT: 16, C: 12, OC: 20 }],
    timeMs: 5,
    yardstick: () => Promise.resolve({ name: "fixed yardstick", figures: [{ forwardGflops: 2, backwardGflops: 4 }] }),
  });
  // Node and Deno both run the relaxed-SIMD build (Node 20 after setting V8's flag), so both builds appear.
  assert.equal(report.figures.map((f) => f.implementation), [
    "fixed yardstick", "typescript reference",
    "wasm relaxed simd (fma), 1 thread", "wasm relaxed simd (fma), 2 threads", "wasm simd, 1 thread", "wasm simd, 2 threads",
  ]);
  for (const f of report.figures) assert.ok(f.forwardGflops > 0 && f.backwardGflops > 0, f.implementation);
  assert.equal(report.ratios.map((r) => r.implementation), ["wasm relaxed simd (fma), 2 threads", "wasm simd, 2 threads"]);
  for (const [i, at] of [[0, 3], [1, 5]]) {
    assert.ok(Math.abs(report.ratios[i].forward - report.figures[at].forwardGflops / 2) < 1e-9);
    assert.ok(Math.abs(report.ratios[i].backward - report.figures[at].backwardGflops / 4) < 1e-9);
  }
  assert.match(formatTable(report), /small\s+wasm simd, 1 thread/);
  assert.match(formatTable(report), /small: wasm relaxed simd \(fma\), 2 threads = [\d.]+ \(forward\)/);
});

test("a skipped yardstick is reported with its reason and leaves no ratio", async () => {
  const report = await runMatmulBench({
    shapes: [{ name: "small", BT: 4, C: 4, OC: 4 }],
    timeMs: 1,
    yardstick: () => Promise.resolve({ skipped: "python3 not found" }),
  });
  assert.is(report.yardstickSkipped, "python3 not found");
  assert.equal(report.ratios, []);
  assert.match(formatTable(report), /yardstick skipped: python3 not found/);
});

test("runSplitSweep() times each size on one and two threads", async () => {
  const rows = await runSplitSweep([[8, 8, 8]], 5);
  assert.is(rows.length, 1);
  assert.is(rows[0].multiplyAdds, 512);
  assert.ok(rows[0].forwardUs.every((us) => us > 0) && rows[0].backwardUs.every((us) => us > 0));
  assert.ok(rows[0].forwardSpeedup > 0 && rows[0].backwardSpeedup > 0);
  assert.match(formatSweep(rows), /8x8x8/);
});

test.run();
