import { test } from "uvu";
import * as assert from "uvu/assert";
import { charTokenizer } from "../../core/tokenizer/mod.ts";
import { solverPolicy } from "../../core/policy/solver.ts";
import { rollout } from "../../core/rollout/rollout.ts";
import type { Tool } from "../../core/types.ts";
import { timeRounds } from "../timing.ts";
import { pairedRatio, replayTools } from "./measure.ts";
import { loadBenchTask } from "./tasks.ts";

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

test("replayTools answers from the record without calling the tools, so the rollout is the same", async () => {
  const { task, close } = await loadBenchTask("calculator");
  try {
    const tokenizer = charTokenizer();
    const samples = task.samples({ seed: 3, n: 6 });
    let calls = 0;
    const counted = task.tools.map((tool): Tool => ({ ...tool, run: (args, context) => (calls += 1, tool.run(args, context)) }));
    const setup = { task, format: "submit" as const, tools: counted, samples };
    const replayed = await replayTools(setup, tokenizer);
    const recorded = calls;
    assert.ok(recorded >= samples.length, `the recording made ${recorded} calls`);
    const roll = (tools: Tool[]) =>
      rollout({
        policy: solverPolicy(task, "submit", tokenizer, samples), tokenizer, format: "submit", tools,
        items: samples.map((sample) => ({ prompt: task.prompt(sample, "submit"), sample })), limits: task.limits, verifier: task.verifier,
      });
    const [real, replay] = [await roll(task.tools), await roll(replayed)];
    assert.is(calls, recorded, "a replayed call reached the real tool");
    assert.equal(replay.episodes.map((e) => e.tokens()), real.episodes.map((e) => e.tokens()));
    assert.equal(replay.episodes.map((e) => e.reward), real.episodes.map((e) => e.reward));
    assert.ok(replay.episodes.every((e) => e.reward === 1));
    // a call the record never saw is an error, not a made-up answer
    assert.throws(() => replayed[0].run({ expression: "123456789 * 987654321" } as never, { signal: new AbortController().signal, episodeId: "x" }), /no recorded answer/);
  } finally {
    close();
  }
});

test("replayTools refuses a tool that answers the same arguments differently", async () => {
  const { task, close } = await loadBenchTask("calculator");
  try {
    let n = 0;
    const drifting = task.tools.map((tool): Tool => ({ ...tool, run: () => String(n++) }));
    const samples = task.samples({ seed: 3, n: 4 });
    // two episodes of the same sample make the same call
    const setup = { task, format: "submit" as const, tools: drifting, samples: [samples[0], samples[0]] };
    await replayTools(setup, charTokenizer()).then(
      () => assert.unreachable("a drifting tool was replayed"),
      (error: Error) => assert.match(error.message, /answered the same arguments twice differently/),
    );
  } finally {
    close();
  }
});

test.run();
