import { test } from "uvu";
import * as assert from "uvu/assert";
import { updateKlCoef } from "./kl_controller.ts";

const adaptive = { adaptive: true, target: 6, horizon: 10000 };

test("updateKlCoef() raises beta when KL is above target, clipping the error at +0.2", () => {
  const next = updateKlCoef(0.2, { kl: 12, nSteps: 128 }, adaptive);
  assert.ok(Math.abs(next - 0.2 * (1 + 0.2 * 128 / 10000)) < 1e-12, String(next));
});

test("updateKlCoef() lowers beta when KL is below target, clipping the error at -0.2", () => {
  const next = updateKlCoef(0.2, { kl: 3, nSteps: 128 }, adaptive);
  assert.ok(Math.abs(next - 0.2 * (1 - 0.2 * 128 / 10000)) < 1e-12, String(next));
});

test("updateKlCoef() moves proportionally inside the clip range", () => {
  const next = updateKlCoef(0.2, { kl: 6.6, nSteps: 128 }, adaptive);
  assert.ok(Math.abs(next - 0.2 * (1 + 0.1 * 128 / 10000)) < 1e-12, String(next));
});

test("updateKlCoef() leaves a fixed controller alone", () => {
  assert.is(updateKlCoef(0.2, { kl: 100, nSteps: 128 }, { ...adaptive, adaptive: false }), 0.2);
});

test.run();
