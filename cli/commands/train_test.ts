import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { main } from "../main.ts";
import { interruptHint } from "./train.ts";
import { memoryIO } from "../io.ts";
import { tempRunDir, TINY_TRAIN_FLAGS } from "../../trainer/run/testing/tiny_run.ts";

const TINY = TINY_TRAIN_FLAGS;

test("toolrl train writes metrics, checkpoint and report, and toolrl eval reads the checkpoint", async () => {
  const dir = await tempRunDir();
  try {
    const io = memoryIO();
    const code = await main(["train", "calculator", ...TINY, "--out", dir.path], io);
    assert.is(code, 0, io.err);
    assert.match(io.out, /held-out accuracy after SFT: \d\.\d{3} \(n=3\)/);
    assert.match(io.out, /held-out accuracy after RL: \d\.\d{3} \(n=3\)/);
    assert.match(io.out, /  report: .+\/report\.html \(open it in a browser\); model: .+\/checkpoint\n/);
    const summary = JSON.parse(io.out.trim().split("\n").at(-1)!);
    assert.is(summary.steps, 2);
    assert.equal(Object.keys(summary.accuracy), ["after SFT", "RL step 1", "after RL"]);
    const evals = (await readFile(`${dir.path}/eval.jsonl`, "utf8")).trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(evals.map((e) => [e.step, e.phase, e.n]), [[0, "sft", 3], [1, "rl", 3], [2, "rl", 3]]);
    assert.match(io.err, /ppo 2\/2 reward/);
    const rows = (await readFile(`${dir.path}/metrics.jsonl`, "utf8")).trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(rows.map((r) => r.step), [1, 2]);
    for (const key of ["env/reward_mean", "objective/kl", "ppo/loss/total", "tools/error_rate", "env/accuracy"]) {
      assert.type(rows[0][key], "number", key);
    }
    const html = await readFile(`${dir.path}/report.html`, "utf8");
    assert.match(html, "<svg");
    assert.match(html, 'class="prompt"');
    const evalIO = memoryIO();
    assert.is(await main(["eval", `${dir.path}/checkpoint`, "calculator", "--n", "3"], evalIO), 0, evalIO.err);
    const result = JSON.parse(evalIO.out);
    assert.is(result.task, "calculator");
    assert.is(result.n, 3);
    assert.is(result.format, "submit");
    for (const key of ["accuracy", "tool_call_rate", "error_rate"]) assert.type(result[key], "number");
    // --episodes writes what was scored, one JSON line per episode, and never replaces a file without --overwrite
    const episodesFile = `${dir.path}/episodes.jsonl`;
    assert.is(await main(["eval", `${dir.path}/checkpoint`, "calculator", "--n", "3", "--episodes", episodesFile], memoryIO()), 0);
    const episodes = (await readFile(episodesFile, "utf8")).trim().split("\n").map((l) => JSON.parse(l));
    assert.is(episodes.length, 3);
    assert.is(episodes.filter((e) => e.reward === 1).length / 3, result.accuracy);
    assert.match(episodes[0].prompt, /^What is /);
    const again = memoryIO();
    assert.is.not(await main(["eval", `${dir.path}/checkpoint`, "calculator", "--n", "2", "--episodes", episodesFile], again), 0);
    assert.match(again.err, /episodes\.jsonl exists; pass --overwrite/);
    assert.is((await readFile(episodesFile, "utf8")).trim().split("\n").length, 3);
    const forced = ["eval", `${dir.path}/checkpoint`, "calculator", "--n", "2", "--episodes", episodesFile, "--overwrite"];
    assert.is(await main(forced, memoryIO()), 0);
    assert.is((await readFile(episodesFile, "utf8")).trim().split("\n").length, 2);
  } finally {
    await dir.cleanup();
  }
});

test("toolrl train --algo grpo runs GRPO steps", async () => {
  const dir = await tempRunDir();
  try {
    const io = memoryIO();
    assert.is(await main(["train", "calculator", ...TINY, "--algo", "grpo", "--out", dir.path], io), 0, io.err);
    const rows = (await readFile(`${dir.path}/metrics.jsonl`, "utf8")).trim().split("\n").map((l) => JSON.parse(l));
    assert.type(rows[1]["grpo/loss"], "number");
    assert.is(rows[1]["ppo/loss/total"], undefined);
  } finally {
    await dir.cleanup();
  }
});

test("toolrl train trains a task from a --plugin module and toolrl eval loads it the same way", async () => {
  const dir = await tempRunDir();
  try {
    const plugin = "./trainer/run/fixtures/twice_plugin.ts";
    const io = memoryIO();
    assert.is(await main(["train", "twice", ...TINY, "--plugin", plugin, "--out", dir.path], io), 0, io.err);
    assert.match(io.out, /twice \(ppo, submit\)/);
    const evalIO = memoryIO();
    assert.is(await main(["eval", `${dir.path}/checkpoint`, "twice", "--n", "2", "--plugin", plugin], evalIO), 0, evalIO.err);
    assert.is(JSON.parse(evalIO.out).task, "twice");
  } finally {
    await dir.cleanup();
  }
});

test("toolrl train refuses unknown options and bad settings, naming them", async () => {
  const io = memoryIO();
  assert.is(await main(["train", "calculator", "--stepz", "3"], io), 1);
  assert.match(io.err, "unknown option --stepz");
  const bad = memoryIO();
  assert.is(await main(["train", "calculator", "--algo", "dqn"], bad), 1);
  assert.match(bad.err, "algo");
  const none = memoryIO();
  assert.is(await main(["train", "--resume", "/nonexistent/toolrl-run"], none), 1);
  assert.match(none.err, "no checkpoint to resume from");
});

test("toolrl train --help lists every --set key with its default, generated from the config schema", async () => {
  const io = memoryIO();
  assert.is(await main(["train", "--help"], io), 0);
  const text = io.out + io.err;
  for (const key of ["ppo.entCoef", "ppo.klPenalty", "grpo.lossType", "grpo.epsilonHigh", "sft.toolRate", "evalEvery", "rollout"]) {
    assert.match(text, new RegExp(`\\n  ${key.replace(".", "\\.")} +\\S+, default `), key);
  }
  assert.match(text, "--sft-tool-rate P");
  assert.match(text, /DIR gets metrics\.jsonl .*eval\.jsonl \(a line per held-out\s+evaluation\)/s, "the intro names every file a run writes");
});

test("toolrl train --sft-tool-rate, --eval-every and --rollout reach the run's settings", async () => {
  const dir = await tempRunDir();
  try {
    const io = memoryIO();
    const args = ["train", "calculator", ...TINY, "--sft-tool-rate", "0.5", "--eval-every", "2", "--rollout", "lockstep", "--out", dir.path];
    assert.is(await main(args, io), 0, io.err);
    const state = JSON.parse(await readFile(`${dir.path}/checkpoint/trainer_state.json`, "utf8"));
    assert.is(state.config.sft.toolRate, 0.5);
    assert.is(state.config.evalEvery, 2);
    assert.is(state.config.rollout, "lockstep");
    const bad = memoryIO();
    assert.is(await main(["train", "calculator", "--sft-tool-rate", "2", "--out", `${dir.path}/x`], bad), 1);
    assert.match(bad.err, /sft\.toolRate/);
  } finally {
    await dir.cleanup();
  }
});

test("toolrl train refuses an --out folder that holds a run or other files, unless --overwrite", async () => {
  const dir = await tempRunDir();
  try {
    assert.is(await main(["train", "calculator", ...TINY, "--out", dir.path], memoryIO()), 0);
    const again = memoryIO();
    assert.is(await main(["train", "calculator", ...TINY, "--out", dir.path], again), 1);
    assert.match(again.err, `${dir.path} already holds a training run; pass --overwrite`);
    assert.match(again.err, `--resume ${dir.path}`);
    assert.not.match(again.err, "npm start");
    const throughNpm = Object.assign(memoryIO(), { npmScript: "start" });
    assert.is(await main(["train", "calculator", ...TINY, "--out", dir.path], throughNpm), 1);
    assert.match(throughNpm.err, "Through npm, flags go after --: `npm start -- --overwrite`.");
    const before = await readFile(`${dir.path}/metrics.jsonl`, "utf8");
    assert.is(await main(["train", "calculator", ...TINY, "--seed", "5", "--out", dir.path, "--overwrite"], memoryIO()), 0);
    const state = JSON.parse(await readFile(`${dir.path}/checkpoint/trainer_state.json`, "utf8"));
    assert.is(state.config.seed, 5);
    assert.ok(before.length > 0);
    const other = `${dir.path}/mine`;
    await writeFile(`${dir.path}/notes.txt`, "keep me").catch(() => {});
    await mkdir(other, { recursive: true });
    await writeFile(`${other}/notes.txt`, "keep me");
    const refused = memoryIO();
    assert.is(await main(["train", "calculator", ...TINY, "--out", other], refused), 1);
    assert.match(refused.err, /files that are not a run \(notes\.txt\)/);
    assert.is(await readFile(`${other}/notes.txt`, "utf8"), "keep me");
    // a run killed before its first checkpoint (its after-SFT evaluation written, no checkpoint): it cannot be
    // resumed, so the error does not offer --resume
    const early = `${dir.path}/early`;
    await mkdir(early, { recursive: true });
    await writeFile(`${early}/eval.jsonl`, "{}\n");
    const stopped = memoryIO();
    assert.is(await main(["train", "calculator", ...TINY, "--out", early], stopped), 1);
    assert.match(stopped.err, `${early} holds a run that stopped before its first checkpoint, so it cannot be resumed; pass --overwrite`);
    assert.not.match(stopped.err, "--resume");
  } finally {
    await dir.cleanup();
  }
});

/** A memory IO that plays a Ctrl-C as soon as stderr shows `pattern`. */
function interruptWhen(pattern: RegExp): ReturnType<typeof memoryIO> {
  const io = memoryIO();
  const stderr = io.stderr.bind(io);
  io.stderr = (text: string) => {
    stderr(text);
    if (pattern.test(text)) io.interrupt();
  };
  return io;
}

test("toolrl train: Ctrl-C stops after the step under way with a checkpoint; --resume continues; --resume --steps N extends", async () => {
  const dir = await tempRunDir();
  try {
    const io = interruptWhen(/ppo 1\/4 reward/);
    const args = ["train", "calculator", ...TINY, "--steps", "4"]; // the later --steps wins
    assert.is(await main([...args, "--out", dir.path], io), 0, io.err);
    assert.match(io.out, `stopped at RL step 1; continue with: npx toolrl train --resume ${dir.path}`);
    assert.is((io.out + io.err).split("--resume").length - 1, 1, "the resume command is printed once (stdout), not on both streams");
    assert.match(io.err, `stopped after RL step 1/4, with a checkpoint in ${dir.path}/checkpoint`);
    assert.match(io.err, "stopping after the RL step under way, with a checkpoint (Ctrl-C again to quit at once)");
    assert.not.match(io.err, /SFT has none|interrupted during/, "a Ctrl-C during RL speaks of RL only");
    // the first session's time is what its checkpoint says: make it 1000 s, which this run cannot take by itself
    const statePath = `${dir.path}/checkpoint/trainer_state.json`;
    const state = JSON.parse(await readFile(statePath, "utf8"));
    assert.ok(state.elapsedSeconds > 0, String(state.elapsedSeconds));
    await writeFile(statePath, JSON.stringify({ ...state, elapsedSeconds: 1000 }));
    const resumed = memoryIO();
    assert.is(await main(["train", "--resume", dir.path], resumed), 0, resumed.err);
    const resumedSummary = JSON.parse(resumed.out.trim().split("\n").at(-1)!);
    assert.is(resumedSummary.steps, 4);
    assert.match(resumed.out, /4 RL steps, \d+ s in all sessions \(\d+ s in this one\)/);
    // the total is the first session's time up to its checkpoint plus this one's (rounded to 0.1 s)
    const total = resumedSummary.total_seconds;
    assert.ok(total >= 1000 && total <= 1000 + resumedSummary.seconds + 0.1, `total ${total}: ${resumed.out}`);
    const extended = memoryIO();
    assert.is(await main(["train", "--resume", dir.path, "--steps", "6"], extended), 0, extended.err);
    const summary = JSON.parse(extended.out.trim().split("\n").at(-1)!);
    assert.is(summary.steps, 6);
    assert.ok("RL step 4" in summary.accuracy && "after RL" in summary.accuracy, JSON.stringify(summary.accuracy));
    const rows = (await readFile(`${dir.path}/metrics.jsonl`, "utf8")).trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(rows.map((r) => r.step), [1, 2, 3, 4, 5, 6]);
    const fewer = memoryIO();
    assert.is(await main(["train", "--resume", dir.path, "--steps", "3"], fewer), 1);
    assert.match(fewer.err, /is at step 6; give a whole number >= 6/);
  } finally {
    await dir.cleanup();
  }
});

test("toolrl train: Ctrl-C during SFT says SFT keeps no checkpoint and stops after the first RL step with one", async () => {
  const dir = await tempRunDir();
  try {
    const io = interruptWhen(/^SFT: /m);
    assert.is(await main(["train", "calculator", ...TINY, "--steps", "4", "--out", dir.path], io), 0, io.err);
    assert.match(io.err, "interrupted during SFT, which keeps no checkpoint: SFT and the evaluation after it still run to the end, then the run stops after its first RL step, with one");
    assert.not.match(io.err, "stopping after the RL step under way");
    assert.match(io.out, `stopped at RL step 1; continue with: npx toolrl train --resume ${dir.path}`);
  } finally {
    await dir.cleanup();
  }
});

test("interruptHint() names each phase: setup, SFT and the evaluation before RL have no checkpoint, RL has, the end finishes", () => {
  assert.match(interruptHint("setup"), /^interrupted during setup, which keeps no checkpoint/);
  assert.match(interruptHint("evaluate"), /^interrupted during the held-out evaluation before RL/);
  assert.is(interruptHint("rl"), "stopping after the RL step under way, with a checkpoint");
  assert.match(interruptHint("finish"), /^the RL steps are done/);
});

test.run();
