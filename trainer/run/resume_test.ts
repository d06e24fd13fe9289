import { test } from "uvu";
import * as assert from "uvu/assert";
import { readMetrics } from "./run_files.ts";
import { nodeRunFiles } from "./run_files_node.ts";
import { resumeTraining, train } from "./train.ts";
import { tempRunDir, tinyRunConfig } from "./testing/tiny_run.ts";

const quiet = { write: () => {}, isTTY: false };
const withoutTimes = (row: Record<string, number>) =>
  Object.fromEntries(Object.entries(row).filter(([key]) => !key.startsWith("time/")));

test("resume after a kill replays the steps after the checkpoint exactly as an uninterrupted run", async () => {
  const dirs = [await tempRunDir(), await tempRunDir()];
  try {
    const files = nodeRunFiles();
    const [whole, killed] = dirs.map((d) => d.path);
    const uninterrupted = await train(tinyRunConfig(whole, { evalEvery: 1 }), { files, progress: quiet });
    // killed after step 3; the last checkpoint is at step 2, so step 3 is replayed
    await train(tinyRunConfig(killed, { evalEvery: 1 }), { files, progress: quiet, stopAfterStep: 3 });
    assert.is((await readMetrics(files, killed)).length, 3);
    const resumed = await resumeTraining(killed, { files, progress: quiet });
    const a = await readMetrics(files, whole);
    const b = await readMetrics(files, killed);
    assert.equal(b.map((row) => row.step), [1, 2, 3, 4]);
    for (const step of [3, 4]) assert.equal(withoutTimes(b[step - 1]), withoutTimes(a[step - 1]), `step ${step}`);
    assert.ok(a.some((row) => row["objective/kl"] !== 0), "the policy moved away from the reference");
    assert.equal(resumed.evaluations, uninterrupted.evaluations);
    // eval.jsonl: after SFT, after steps 1-3, after RL; the resumed run's file equals the uninterrupted one's
    const evalLines = async (dir: string) =>
      (await files.readText(`${dir}/eval.jsonl`))!.trim().split("\n").map((line) => JSON.parse(line));
    const wholeEvals = await evalLines(whole);
    assert.equal(wholeEvals.map((e) => [e.step, e.phase]), [[0, "sft"], [1, "rl"], [2, "rl"], [3, "rl"], [4, "rl"]]);
    for (const e of wholeEvals) {
      assert.equal(Object.keys(e).sort(), ["accuracy", "error_rate", "label", "n", "phase", "step", "tool_call_rate"]);
    }
    assert.equal(await evalLines(killed), wholeEvals);
  } finally {
    for (const dir of dirs) await dir.cleanup();
  }
});

test("resuming a finished run says so and keeps the report's episodes of the last RL step", async () => {
  const dir = await tempRunDir();
  try {
    const files = nodeRunFiles();
    await train(tinyRunConfig(dir.path, {}), { files, progress: quiet });
    const report = async () => (await files.readText(`${dir.path}/report.html`))!;
    const lastStep = (html: string) => (html.match(/episode of the last RL step \(\d+\)/g) ?? []).length;
    const before = await report();
    assert.ok(lastStep(before) > 0, "the finished run's report shows episodes of its last RL step");
    const lines: string[] = [];
    await resumeTraining(dir.path, { files, progress: { write: (text: string) => void lines.push(text), isTTY: false } });
    assert.match(lines.join(""), /is finished \(RL step \d+\/\d+\): nothing to run; --steps N/);
    assert.is(lastStep(await report()), lastStep(before), "the resume kept them");
  } finally {
    await dir.cleanup();
  }
});

test("a fresh run in a folder holding an earlier run removes its checkpoint before SFT, so a stop before the first checkpoint leaves nothing to resume", async () => {
  const dir = await tempRunDir();
  try {
    const files = nodeRunFiles();
    await train(tinyRunConfig(dir.path, {}), { files, progress: quiet });
    assert.ok(await files.entries(`${dir.path}/checkpoint`), "the first run wrote a checkpoint");
    // the second run (what --overwrite starts) is stopped at the start of its SFT: Ctrl-C twice quits there
    const stop = new Error("quit during SFT");
    const second = train(tinyRunConfig(dir.path, {}), {
      files,
      progress: quiet,
      onPhase: (phase) => {
        if (phase === "sft") throw stop;
      },
    });
    await second.then(() => assert.unreachable("the run went past SFT"), (error) => assert.is(error, stop));
    assert.is(await files.entries(`${dir.path}/checkpoint`), null, "the earlier run's checkpoint is gone");
    assert.is(await files.entries(`${dir.path}/reference`), null, "and its reference model");
    assert.is(await files.readText(`${dir.path}/report.html`), null, "and its report");
    await resumeTraining(dir.path, { files, progress: quiet }).then(
      () => assert.unreachable("a run with no checkpoint was resumed"),
      (error: Error) => assert.match(error.message, "holds no checkpoint to resume from"),
    );
  } finally {
    await dir.cleanup();
  }
});

test.run();
