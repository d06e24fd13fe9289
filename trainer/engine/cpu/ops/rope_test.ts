import { test } from "uvu";
import * as assert from "uvu/assert";
import { ropeInvFreq, ropeTable } from "./rope.ts";

const scaling = { type: "llama3" as const, factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 64 };

// HF's _compute_llama3_parameters for theta 500000, head size 16, factor 8, low 1, high 4, original 64 (Python floats):
// pair 0 kept (wavelength 6.3 < 64/4), pair 1 blended (32.5), pairs 2+ divided by 8 (wavelength > 64).
const reference = [
  1.0, 0.0794030091792082, 0.004700753866357992, 0.0009115830921521386, 0.00017677669529663688,
  3.428102195952591e-05, 6.647869871181236e-06, 1.2891731721515574e-06,
];

test("ropeInvFreq() with llama3 scaling matches HF's frequencies: kept, blended and divided bands", () => {
  reference.forEach((expected, i) => {
    const got = ropeInvFreq(i, 16, 500000, scaling);
    assert.ok(Math.abs(got - expected) <= 1e-6 * expected, `pair ${i}: ${got} vs ${expected}`);
  });
  const plain = Array.from({ length: 8 }, (_, i) => ropeInvFreq(i, 16, 500000));
  assert.is(ropeInvFreq(0, 16, 500000, scaling), plain[0]);
  assert.ok(Math.abs(ropeInvFreq(5, 16, 500000, scaling) - plain[5] / 8) < 1e-12);
  assert.ok(ropeInvFreq(1, 16, 500000, scaling) < plain[1] && ropeInvFreq(1, 16, 500000, scaling) > plain[1] / 8);
});

test("ropeTable() uses the scaled frequencies, and equals the plain table without scaling", () => {
  const hs = 16, p = 7;
  const scaled = ropeTable(8, hs, 500000, scaling);
  const plain = ropeTable(8, hs, 500000);
  assert.equal(ropeTable(8, hs, 500000, null), plain);
  for (let i = 0; i < hs / 2; i++) {
    const angle = Math.fround(p * ropeInvFreq(i, hs, 500000, scaling));
    assert.ok(Math.abs(scaled[p * hs + i] - Math.cos(angle)) < 1e-7);
    assert.ok(Math.abs(scaled[p * hs + hs / 2 + i] - Math.sin(angle)) < 1e-7);
  }
  assert.ok(scaled[p * hs + 3] !== plain[p * hs + 3], "a divided band turns slower than plain RoPE");
});

test.run();
