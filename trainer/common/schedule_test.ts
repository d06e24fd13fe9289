import { test } from "uvu";
import * as assert from "uvu/assert";
import { cosineLr } from "./schedule.ts";

const near = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} != ${b}`);

test("cosineLr() warms up linearly, peaks after warm-up and decays to minRatio * lr", () => {
  const options = { lr: 1, warmupSteps: 4, totalSteps: 14, minRatio: 0.1 };
  near(cosineLr(0, options), 0.25);
  near(cosineLr(3, options), 1);
  near(cosineLr(4, options), 1);
  near(cosineLr(9, options), 0.1 + 0.9 * 0.5);
  near(cosineLr(14, options), 0.1);
  near(cosineLr(100, options), 0.1);
});

test.run();
