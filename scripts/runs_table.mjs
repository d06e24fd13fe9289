#!/usr/bin/env node
// Prints a Markdown table of finished training runs: task, algorithm, format, seed, SFT tool rate, held-out
// accuracy after SFT and after RL, the best and the last tool-call rate, and wall time, read from each run
// folder's checkpoint/trainer_state.json.
//   node scripts/runs_table.mjs runs/calc_s0 runs/calc_s1 ...
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import process from "node:process";

const rows = [];
for (const dir of process.argv.slice(2)) {
  let state;
  try {
    state = JSON.parse(await readFile(join(dir, "checkpoint", "trainer_state.json"), "utf8"));
  } catch (error) {
    if (error.code !== "ENOTDIR") process.stderr.write(`skipping ${dir}: ${error.message}\n`);
    continue;
  }
  const { config, evaluations } = state;
  const first = evaluations.find((e) => e.phase === "sft" || e.label === "after SFT" || e.label === "before RL");
  const last = evaluations.findLast((e) => e.label === "after RL");
  rows.push({
    dir,
    task: config.task,
    algo: config.algo,
    format: config.format,
    seed: config.seed,
    toolRate: config.sft.toolRate,
    sftSteps: config.sft.steps,
    before: first?.accuracy,
    after: last?.accuracy,
    callsBefore: first?.toolCallRate,
    callsAfter: last?.toolCallRate,
    seconds: state.elapsedSeconds,
  });
}
const f = (x) => (typeof x === "number" ? x.toFixed(3) : "-");
console.log("| task | algo | format | seed | SFT tool rate | after SFT | after RL | tool calls after SFT → RL | wall time |");
console.log("|---|---|---|---|---|---|---|---|---|");
for (const r of rows) {
  const sft = r.sftSteps === 0 ? " (SFT shared)" : "";
  console.log(
    `| ${r.task} | ${r.algo} | ${r.format} | ${r.seed} | ${r.toolRate} | ${f(r.before)} | ${f(r.after)} | ` +
      `${f(r.callsBefore)} → ${f(r.callsAfter)} | ${Math.round(r.seconds)} s${sft} |`,
  );
}
