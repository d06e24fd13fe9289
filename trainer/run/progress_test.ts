import { test } from "uvu";
import * as assert from "uvu/assert";
import { createProgress, formatProgress } from "./progress.ts";

test("formatProgress() shows the bar, step, reward, KL and throughput", () => {
  const line = formatProgress(
    { phase: "ppo", step: 5, steps: 10, reward: 0.25, kl: 1.5, tokensPerSecond: 812.4, elapsedSeconds: 9.6 },
    10,
  );
  assert.is(line, "ppo [#####.....]  5/10 reward 0.250 kl 1.500 812 tok/s 10s");
});

test("createProgress() redraws in place on a terminal", () => {
  let out = "";
  const progress = createProgress({ write: (t) => (out += t), isTTY: true });
  progress.update({ phase: "sft", step: 1, steps: 2, elapsedSeconds: 0 });
  progress.update({ phase: "sft", step: 2, steps: 2, elapsedSeconds: 1 });
  progress.log("done");
  assert.is(out.split("\r\x1b[2K").length, 3);
  assert.ok(out.endsWith("\ndone\n"));
  assert.is(out.split("\n").length, 3);
});

test("createProgress() writes one line per update elsewhere", () => {
  let out = "";
  const progress = createProgress({ write: (t) => (out += t), isTTY: false });
  progress.update({ phase: "ppo", step: 1, steps: 3, reward: 0, elapsedSeconds: 0 });
  progress.update({ phase: "ppo", step: 2, steps: 3, reward: 1, elapsedSeconds: 0 });
  progress.done();
  assert.not.match(out, "\r");
  assert.equal(out.trim().split("\n").map((l) => l.split(" ")[1]), ["1/3", "2/3"]);
});

test.run();
