/**
 * `toolrl train <task>`: SFT warm-up on the task's reference solver, then PPO or GRPO, with progress on
 * stderr, `DIR/metrics.jsonl`, `DIR/eval.jsonl`, `DIR/checkpoint/` and `DIR/report.html`; `--resume DIR` continues a run.
 */
import { type CliIO, exitProcess } from "../io.ts";
import { parseTrainConfig, type TrainConfigInput } from "../../trainer/run/config.ts";
import { mergeConfig } from "../../trainer/run/merge.ts";
import { nodeRunFiles } from "../../trainer/run/run_files_node.ts";
import { checkRunFolder } from "../../trainer/run/run_files.ts";
import { resumeTraining, train, type TrainEnv, type TrainPhase, type TrainResult } from "../../trainer/run/train.ts";
import { settingsHelp } from "../../trainer/run/config_help.ts";
import { readFlags, settingsObject } from "./flags.ts";
import { pluginImporter } from "../plugin_import_node.ts";

const usage = `toolrl train <task> [options]
toolrl train --resume DIR

Teaches the model to use the task's tools: a short SFT warm-up on demonstrations from the task's reference
solver (loss on model tokens only), a held-out evaluation, RL (PPO or GRPO) with a held-out evaluation every
--eval-every K steps, and a last one at the end.
Progress goes to stderr; DIR gets metrics.jsonl (a line per RL step), eval.jsonl (a line per held-out
evaluation), checkpoint/, reference/ and report.html.

  --algo ppo|grpo            RL algorithm (default ppo)
  --format F                 tool-call format: submit (default), hermes, react, llama3_json or one a --plugin registers
  --backend cpu|webgpu       engine backend (default cpu)
  --seed N                   seed of weights, data and sampling (default 0)
  --steps N                  RL steps (default: the task's preset)
  --sft-steps N              SFT warm-up steps (default: the task's preset; 0 skips SFT)
  --sft-tool-rate P          fraction of SFT demonstrations that call the tool; the rest answer unaided (default 1)
  --rollout async|lockstep   rollout loop of RL, evaluations and demonstrations (default async)
  --eval-n N                 held-out samples per evaluation (default 200)
  --eval-every K             held-out evaluation every K RL steps, in DIR/eval.jsonl (default: about 5 per run)
  --checkpoint-every K       checkpoint every K RL steps (default 10)
  --out DIR                  run folder (default runs/<task>)
  --init CKPT                start from this checkpoint instead of a fresh tiny model
  --resume DIR               continue the run in DIR from its last checkpoint (with --steps N: N steps in all, at least
                             the steps already done; this extends a finished run or shortens an unfinished one)
  --overwrite                replace what --out DIR holds (refused otherwise)
  --plugin PATH              load a plugin module (repeatable) whose tasks can then be trained
  --no-tool-mask             mask ablation: include tool-output tokens in the loss
  --set KEY=VALUE            any setting by dotted name, e.g. --set ppo.learningRate=1e-4 (repeatable)

Settings for --set (defaults shown are the calculator's; other tasks' presets may differ):`;

/** The command's help: the flags, then every --set key generated from the config schema. */
export const help = `${usage}\n${settingsHelp()}`;

const FLAGS = {
  algo: "string",
  format: "string",
  backend: "string",
  seed: "number",
  steps: "number",
  "sft-steps": "number",
  "sft-tool-rate": "number",
  rollout: "string",
  "eval-n": "number",
  "eval-every": "number",
  "checkpoint-every": "number",
  out: "string",
  init: "string",
  resume: "string",
  plugin: "list",
  "no-tool-mask": "boolean",
  overwrite: "boolean",
  set: "list",
} as const;

function exitNow(): never {
  return exitProcess(130);
}

function sftFlags(flags: Record<string, unknown>): Record<string, unknown> | undefined {
  const sft = { steps: flags["sft-steps"], toolRate: flags["sft-tool-rate"] };
  const given = Object.fromEntries(Object.entries(sft).filter(([, value]) => value !== undefined));
  return Object.keys(given).length > 0 ? given : undefined;
}

/** What a first Ctrl-C does in `phase`: a checkpoint exists only from the first RL step on. */
export function interruptHint(phase: TrainPhase): string {
  if (phase === "rl") return "stopping after the RL step under way, with a checkpoint";
  if (phase === "finish") return "the RL steps are done: finishing the last evaluation, the final checkpoint and the report";
  const during = { setup: "setup", sft: "SFT", evaluate: "the held-out evaluation before RL" }[phase];
  const still = {
    setup: "setup, SFT and the evaluation after it still run",
    sft: "SFT and the evaluation after it still run",
    evaluate: "the evaluation still runs",
  }[phase];
  return `interrupted during ${during}, which keeps no checkpoint: ${still} to the end, then the run stops after its first RL step, with one`;
}

/** Runs `toolrl train`; prints the held-out accuracy before and after RL on stdout. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const { flags, positional } = readFlags(argv, FLAGS);
  // Ctrl-C: finish the step under way, checkpoint, print the --resume command; a second Ctrl-C exits at once
  let interrupted = false;
  let phase: TrainPhase = "setup";
  const restore = io.onInterrupt?.(() => {
    if (interrupted) {
      io.stderr(`\nquit at once: ${phase === "rl" || phase === "finish" ? "--resume continues from the last checkpoint" : "no checkpoint was written"}\n`);
      exitNow();
    }
    interrupted = true;
    io.stderr(`\n${interruptHint(phase)} (Ctrl-C again to quit at once)...\n`);
  });
  const env: TrainEnv = {
    files: nodeRunFiles(),
    progress: { write: io.stderr, isTTY: io.isTTY },
    shouldStop: () => interrupted,
    importModule: await pluginImporter(),
    onPhase: (next) => void (phase = next),
  };
  try {
    return await runTraining(flags, positional, env, io);
  } finally {
    restore?.();
  }
}

async function runTraining(
  flags: Record<string, string | number | boolean | string[]>,
  positional: string[],
  env: TrainEnv,
  io: CliIO,
): Promise<number> {
  const started = performance.now();
  let result: TrainResult;
  let label: string;
  let outDir: string;
  if (flags.resume !== undefined) {
    const ignored = Object.keys(flags).filter((name) => name !== "resume" && name !== "steps");
    if (positional.length > 0 || ignored.length > 0) {
      throw new Error(`--resume takes the run's own settings; drop ${[...positional, ...ignored.map((n) => `--${n}`)].join(" ")}`);
    }
    result = await resumeTraining(String(flags.resume), env, { steps: flags.steps as number | undefined });
    label = String(flags.resume);
    outDir = label;
  } else {
    if (positional.length !== 1) throw new Error(`give one task, as in "toolrl train calculator" (got ${positional.length})`);
    const given: Record<string, unknown> = {
      task: positional[0],
      algo: flags.algo,
      format: flags.format,
      backend: flags.backend,
      seed: flags.seed,
      steps: flags.steps,
      out: flags.out,
      init: flags.init,
      plugins: flags.plugin,
      includeToolTokens: flags["no-tool-mask"] === true ? true : undefined,
      evalSamples: flags["eval-n"],
      evalEvery: flags["eval-every"],
      rollout: flags.rollout,
      checkpointEvery: flags["checkpoint-every"],
      sft: sftFlags(flags),
    };
    const defined = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
    const input = mergeConfig(defined, settingsObject((flags.set as string[] | undefined) ?? [])) as TrainConfigInput;
    const config = parseTrainConfig(input);
    await checkRunFolder(env.files, config.out, { overwrite: flags.overwrite === true }).catch((error: Error) => {
      // `npm start --overwrite` gives the flag to npm, not to toolrl
      if (!io.npmScript) throw error;
      const npm = io.npmScript === "start" ? "npm start" : `npm run ${io.npmScript}`;
      throw new Error(`${error.message} Through npm, flags go after --: \`${npm} -- --overwrite\`.`);
    });
    result = await train(config, env);
    label = `${config.task} (${config.algo}, ${config.format}) in ${config.out}`;
    outDir = config.out;
  }
  const seconds = (performance.now() - started) / 1000;
  // A resumed run counts its earlier sessions too (their time up to the checkpoint it resumed from).
  const time = flags.resume !== undefined
    ? `${result.totalSeconds.toFixed(0)} s in all sessions (${seconds.toFixed(0)} s in this one)`
    : `${seconds.toFixed(0)} s`;
  io.stdout(`${label}: ${result.step} RL step${result.step === 1 ? "" : "s"}, ${time}\n`);
  for (const evaluation of result.evaluations) {
    io.stdout(`  held-out accuracy ${evaluation.label}: ${evaluation.accuracy.toFixed(3)} (n=${evaluation.n})\n`);
  }
  io.stdout(`  report: ${outDir}/report.html (open it in a browser); model: ${outDir}/checkpoint\n`);
  if (result.stopped) io.stdout(`stopped at RL step ${result.step}; continue with: npx toolrl train --resume ${outDir}\n`);
  const accuracies = Object.fromEntries(result.evaluations.map((e) => [e.label, e.accuracy]));
  const summary = { steps: result.step, seconds: Number(seconds.toFixed(1)), total_seconds: Number(result.totalSeconds.toFixed(1)), accuracy: accuracies };
  io.stdout(JSON.stringify(summary) + "\n");
  return 0;
}
