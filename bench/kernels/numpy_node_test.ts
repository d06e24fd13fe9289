// The NumPy yardstick adapter: one python3 child answers timings for as many requests as asked, and a
// missing interpreter is a skip with its reason, not an error.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { openNumpy } from "./numpy_node.ts";

test("a python3 child with NumPy times forward and backward at each request until closed", async () => {
  const opened = await openNumpy("python3");
  if ("skipped" in opened) {
    // Only where python3 or NumPy is missing; then the reason names it.
    assert.match(opened.skipped, /numpy yardstick unavailable/);
    return;
  }
  try {
    assert.match(opened.name, /^numpy \d+\.\d+/);
    for (const shape of [{ name: "a", BT: 8, C: 8, OC: 8 }, { name: "b", BT: 64, C: 32, OC: 16 }, { name: "a", BT: 8, C: 8, OC: 8 }]) {
      const { forward, backward } = await opened.measure(shape, 5);
      for (const t of [forward, backward]) assert.ok(t.minMs > 0 && t.minMs <= t.medianMs && t.medianMs < 1000, JSON.stringify(t));
    }
  } finally {
    opened.close();
  }
});

test("a missing interpreter is reported as a skip naming it", async () => {
  const opened = await openNumpy("python3-that-does-not-exist");
  assert.ok("skipped" in opened);
  assert.match((opened as { skipped: string }).skipped, /python3-that-does-not-exist not found/);
});

test.run();
