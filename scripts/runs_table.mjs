#!/usr/bin/env node
// Prints a Markdown table of finished training runs: task, algorithm, format, seed, SFT tool rate, held-out
// accuracy after SFT and after RL, the best and the last tool-call rate, and wall time, read from each run
// folder's checkpoint/trainer_state.json, and the command that reproduces the run: the run's settings compared
// with the task's defaults (what `toolrl train <task>` would use), each difference as a flag or `--set`.
//   node scripts/runs_table.mjs runs/calc_s0 runs/calc_s1 ...
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import process from "node:process";
import { tsImport } from "tsx/esm/api";

const { parseTrainConfig } = await tsImport("../trainer/run/config.ts", import.meta.url);

/** Flags of `toolrl train` for settings that have one; everything else is `--set key=value`. */
const FLAGS = {
  algo: "--algo",
  format: "--format",
  backend: "--backend",
  seed: "--seed",
  steps: "--steps",
  init: "--init",
  "sft.steps": "--sft-steps",
  "sft.toolRate": "--sft-tool-rate",
  rollout: "--rollout",
  evalSamples: "--eval-n",
  evalEvery: "--eval-every",
};
/** Settings that do not change what is learned. */
const IGNORED = new Set(["out", "checkpointEvery", "reportEpisodes"]);

function flatten(value, prefix = "", into = {}) {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) flatten(inner, prefix ? `${prefix}.${key}` : key, into);
  } else into[prefix] = value;
  return into;
}

/** `toolrl train <task> ...` with the run's differences from the task's defaults (seed always shown). */
function command(config) {
  const defaults = flatten(parseTrainConfig({ task: config.task }));
  const run = flatten(config);
  const parts = [`toolrl train ${config.task}`];
  for (const [key, value] of Object.entries(run)) {
    if (key === "task" || IGNORED.has(key) || key.startsWith("taskOptions")) continue;
    if (key !== "seed" && JSON.stringify(value) === JSON.stringify(defaults[key])) continue;
    // a plugin task or format needs its module again to rerun
    if (key === "plugins") {
      for (const plugin of value) parts.push(`--plugin ${plugin}`);
      continue;
    }
    parts.push(FLAGS[key] ? `${FLAGS[key]} ${value}` : `--set ${key}=${value}`);
  }
  return parts.join(" ");
}

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
    command: command(config),
  });
}
const f = (x) => (typeof x === "number" ? x.toFixed(3) : "-");
console.log("| task | algo | format | seed | SFT tool rate | after SFT | after RL | tool calls after SFT → RL | wall time | command |");
console.log("|---|---|---|---|---|---|---|---|---|---|");
for (const r of rows) {
  const sft = r.sftSteps === 0 ? " (SFT shared)" : "";
  console.log(
    `| ${r.task} | ${r.algo} | ${r.format} | ${r.seed} | ${r.toolRate} | ${f(r.before)} | ${f(r.after)} | ` +
      `${f(r.callsBefore)} → ${f(r.callsAfter)} | ${Math.round(r.seconds)} s${sft} | \`${r.command}\` |`,
  );
}
