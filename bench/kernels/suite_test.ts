import { test } from "uvu";
import * as assert from "uvu/assert";
import { formatTable, runMatmulBench, type YardstickSession } from "./suite.ts";
import { formatSweep, runSplitSweep } from "./split_sweep.ts";

const closeTo = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
let measured = 0;
let fixedYardstickClosed = false;
// Forward and backward take 1 ms median, 0.5 ms at best, at every shape.
const fixedYardstick: YardstickSession = {
  name: "fixed yardstick",
  measure: () => {
    measured++;
    return Promise.resolve({ forward: { medianMs: 1, minMs: 0.5 }, backward: { medianMs: 1, minMs: 0.5 } });
  },
  close: () => void (fixedYardstickClosed = true),
};

test("runMatmulBench() measures every implementation and relates each wasm build on 2 threads to the yardstick", async () => {
  const report = await runMatmulBench({
    shapes: [{ name: "small", BT: 16, C: 12, OC: 20 }],
    timeMs: 5,
    rounds: 3,
    yardstick: () => Promise.resolve(fixedYardstick),
  });
  assert.is(measured, 3, "one yardstick timing per round");
  // Node and Deno both run the relaxed-SIMD build (Node 20 after setting V8's flag), so both builds appear.
  assert.equal(report.figures.map((f) => f.implementation), [
    "fixed yardstick", "typescript reference",
    "wasm relaxed simd (fma), 1 thread", "wasm relaxed simd (fma), 2 threads", "wasm simd, 1 thread", "wasm simd, 2 threads",
  ]);
  for (const f of report.figures) assert.ok(f.forwardGflops > 0 && f.backwardGflops > 0, f.implementation);
  assert.equal(report.ratios.map((r) => r.implementation), ["wasm relaxed simd (fma), 2 threads", "wasm simd, 2 threads"]);
  // The yardstick does 2·16·12·20 flops in 1 ms forward (0.00768 GFLOP/s) and twice that in 1 ms
  // backward; every round's yardstick time is the same, so each paired ratio is the wasm round's GFLOP/s
  // over the yardstick's, and their median (3 rounds) is the median round's.
  assert.ok(closeTo(report.figures[0].forwardGflops, 0.00768) && closeTo(report.figures[0].backwardGflops, 0.01536));
  for (const [i, at] of [[0, 3], [1, 5]]) {
    assert.ok(closeTo(report.ratios[i].forward, report.figures[at].forwardGflops / 0.00768), "forward ratio");
    assert.ok(closeTo(report.ratios[i].backward, report.figures[at].backwardGflops / 0.01536), "backward ratio");
    assert.ok(closeTo(report.ratios[i].bestForward, report.figures[at].bestForwardGflops! / (0.00768 * 2)), "best forward ratio");
  }
  assert.ok(fixedYardstickClosed);
  assert.match(formatTable(report), /small\s+wasm simd, 1 thread/);
  assert.match(formatTable(report), /small: wasm relaxed simd \(fma\), 2 threads = [\d.]+ \(forward\), [\d.]+ \(backward\) of the yardstick \(median of 3 paired rounds\)/);
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
