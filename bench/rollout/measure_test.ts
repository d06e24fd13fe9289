import { test } from "uvu";
import * as assert from "uvu/assert";
import { timeRounds } from "../timing.ts";
import { pairedRatio } from "./measure.ts";

test("pairedRatio is the median of the per-round ratios, not the ratio of the medians", () => {
  // round 2 ran the row while the machine was busy, round 3 the ceiling: per round 10/12, 10/36, 30/36
  assert.is(pairedRatio([10, 10, 30], [12, 36, 36], 1), 10 / 12);
  // scale: the row made twice the ceiling's tokens per run
  assert.is(pairedRatio([10, 10, 10], [10, 10, 10], 2), 2);
});

test("timeRounds keeps each round's time of each probe, in order", async () => {
  let calls = 0;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const [slow, fast] = await timeRounds([
    { name: "slow", fn: async () => void (await sleep(++calls === 2 ? 200 : 20)) },
    { name: "fast", fn: () => Promise.resolve() },
  ], { iterations: 3, warmup: 0 });
  assert.is(slow.samplesMs.length, 3);
  assert.is(fast.samplesMs.length, 3);
  assert.ok(slow.samplesMs[1] > slow.samplesMs[0] && slow.samplesMs[1] > slow.samplesMs[2], String(slow.samplesMs));
  assert.ok(slow.samplesMs.every((ms) => ms >= 15), String(slow.samplesMs));
});

test.run();
