/**
 * The training run behind `toolrl train`, in phases:
 *
 *   1. setup     task, backend, model (fresh tiny model or `--init`), RNG
 *   2. SFT       warm-up on the reference solver's demonstrations (loss on model tokens only)
 *   3. evaluate  greedy, on held-out samples (before RL)
 *   4. freeze    the reference = a copy of the model after SFT; the policy gets a fresh optimizer
 *   5. RL        PPO or GRPO steps; metrics.jsonl every step; checkpoint every K steps
 *   6. evaluate  again (after RL); final checkpoint; report.html
 *
 * `resumeTraining` re-enters phase 5 from `DIR/checkpoint/` with the weights, optimizer, reference, RNG,
 * KL coefficient and step it holds, so the steps after the checkpoint replay exactly.
 */
import type { Episode, Task } from "../../core/types.ts";
import type { FileSystem } from "../engine/io/fs/fs.ts";
import type { Model } from "../engine/types.ts";
import { makeDemonstrations } from "../sft/demonstrations.ts";
import { runSft } from "../sft/sft.ts";
import {
  asTrainerState,
  loadModel,
  resetOptimizer,
  saveReference,
  saveRunCheckpoint,
  type TrainerState,
} from "./checkpoint.ts";
import type { TrainConfig } from "./config.ts";
import { withChatTemplate } from "./chat_template_task.ts";
import { evaluatePolicy } from "./evaluate.ts";
import { createProgress, type ProgressSink } from "./progress.ts";
import { renderRunReport, reportEpisodes } from "./run_report.ts";
import { appendMetrics, readMetrics, type RunFiles, runPath, startRunFolder, writeEvaluations } from "./run_files.ts";
import { createRng, type Rng } from "../../core/random/xoshiro128.ts";
import { rlStep } from "./rl_step.ts";
import { backendByName, buildModel, frozenCopy, requireFormat, resolveTask } from "./setup.ts";
import type { ReportEvaluation } from "./report.ts";

/** The part of a run under way, as `TrainEnv.onPhase` hears it: setup, SFT, the evaluation before RL, RL, the end. */
export type TrainPhase = "setup" | "sft" | "evaluate" | "rl" | "finish";

/** Where a run writes and reports. */
export interface TrainEnv {
  files: RunFiles;
  /** Checkpoint file system (default: the local disk). */
  checkpointFs?: FileSystem;
  progress: ProgressSink;
  /** Ends the run right after this RL step, without evaluation or final checkpoint (tests simulate a kill). */
  stopAfterStep?: number;
  /** Asked after every RL step: true checkpoints the run there and returns (Ctrl-C); `--resume` continues it. */
  shouldStop?: () => boolean;
  /** How `--plugin` modules are imported (Node's CLI passes tsx's; see `LoadPluginOptions.importModule`). */
  importModule?: (url: string) => Promise<Record<string, unknown>>;
  /** Told when each phase begins (the CLI's Ctrl-C hint names the phase it interrupted). */
  onPhase?: (phase: TrainPhase) => void;
}

/** What a run returns. */
export interface TrainResult {
  evaluations: ReportEvaluation[];
  metrics: Record<string, number>[];
  /** RL steps done. */
  step: number;
  /** The run stopped early on `shouldStop` (it can be resumed). */
  stopped?: boolean;
  /** The run's wall time in seconds, earlier sessions (up to the checkpoint resumed from) included. */
  totalSeconds: number;
}

type Progress = ReturnType<typeof createProgress>;

/**
 * Trains from scratch (or from `config.init`): SFT, evaluation, RL, evaluation.
 *
 * @example await train(parseTrainConfig({ task: "calculator" }), { files: nodeRunFiles(), progress: { write, isTTY } });
 */
export async function train(config: TrainConfig, env: TrainEnv): Promise<TrainResult> {
  const started = performance.now();
  const progress = createProgress(env.progress);
  // --- 1. setup ---
  env.onPhase?.("setup");
  const plainTask = await resolveTask(config.task, config.plugins, { taskOptions: config.taskOptions, importModule: env.importModule });
  requireFormat(config.format); // the plugins that may register it are loaded now
  const backend = await backendByName(config.backend);
  const policy = await buildModel(config, backend);
  const task = withChatTemplate(plainTask, policy.tokenizer, config.format);
  const rng = createRng({ seed: config.seed });
  await startRunFolder(env.files, config.out);
  const evaluations: ReportEvaluation[] = [];
  const evaluate = async (label: string) => {
    evaluations.push(await evaluateRun({ policy, task, config, progress, env }, { label, step: 0, phase: "sft" }, evaluations));
  };
  if (config.evalBeforeSft && config.sft.steps > 0) {
    env.onPhase?.("evaluate");
    await evaluate("before SFT");
  }

  // --- 2. SFT warm-up ---
  const sftLoss: { step: number; loss: number }[] = [];
  if (config.sft.steps > 0) {
    env.onPhase?.("sft");
    progress.log(`SFT: ${config.sft.demonstrations} demonstrations from the reference solver, ${config.sft.steps} steps`);
    const demonstrations = await makeDemonstrations(task, {
      format: config.format,
      tokenizer: policy.tokenizer,
      n: config.sft.demonstrations,
      seed: rng.uint32(),
      toolRate: config.sft.toolRate,
      mode: config.rollout,
      limits: config.limits,
      onWarning: (message) => progress.log(`warning: ${message}`),
    });
    const sftStarted = performance.now();
    let tokens = 0;
    await runSft(policy, demonstrations, {
      config: config.sft,
      rng,
      includeToolTokens: config.includeToolTokens,
      onStep: (p) => {
        tokens += p.tokens;
        sftLoss.push({ step: p.step, loss: p.loss });
        if (!env.progress.isTTY && p.step % Math.ceil(p.steps / 20) !== 0 && p.step !== p.steps) return;
        const elapsed = (performance.now() - sftStarted) / 1000;
        progress.update({
          phase: "sft",
          step: p.step,
          steps: p.steps,
          loss: p.loss,
          tokensPerSecond: tokens / Math.max(elapsed, 1e-9),
          elapsedSeconds: (performance.now() - started) / 1000,
        });
      },
    });
    progress.done();
  }

  // --- 3. evaluate before RL ---
  env.onPhase?.("evaluate");
  await evaluate(config.sft.steps > 0 ? "after SFT" : "before RL");

  // --- 4. freeze the reference; fresh optimizer for RL ---
  const reference = await frozenCopy(policy, { seed: config.seed });
  await resetOptimizer(policy);
  await saveReference(config.out, reference, { fs: env.checkpointFs });
  const state: TrainerState = {
    version: 1,
    step: 0,
    klCoef: config.ppo.initKlCoef,
    rng: rng.state(),
    config,
    evaluations,
    sftLoss,
    elapsedSeconds: (performance.now() - started) / 1000,
  };
  await saveRunCheckpoint(config.out, policy, state, { fs: env.checkpointFs });

  return await reinforce({ config, task, policy, reference, rng, state, progress, env, started, metrics: [] });
}

/**
 * Continues the run in `dir` from its last checkpoint.
 *
 * @example await resumeTraining("runs/calc", { files: nodeRunFiles(), progress });
 */
export async function resumeTraining(dir: string, env: TrainEnv, options: { steps?: number } = {}): Promise<TrainResult> {
  env.onPhase?.("setup");
  const progress = createProgress(env.progress);
  const checkpointDir = runPath(dir, "checkpoint");
  const stateText = await env.files.readText(runPath(checkpointDir, "trainer_state.json")) ??
    await env.files.readText(runPath(`${checkpointDir}.previous`, "trainer_state.json"));
  if (stateText === null) {
    throw new Error(`${dir} holds no checkpoint to resume from (no ${checkpointDir}/trainer_state.json); start the run afresh with the same command and --overwrite (it replaces what is there).`);
  }
  const state = asTrainerState(JSON.parse(stateText), checkpointDir);
  const config = { ...state.config, out: dir };
  if (options.steps !== undefined) {
    if (!(Number.isInteger(options.steps) && options.steps >= state.step)) {
      throw new Error(`--steps ${options.steps} with --resume: the run in ${dir} is at step ${state.step}; give a whole number >= ${state.step}.`);
    }
    // extending a finished run: its last evaluation becomes the one at that step, and a new one ends the run
    if (options.steps > state.step) {
      state.evaluations = state.evaluations.map((e) => (e.label === "after RL" ? { ...e, label: `RL step ${e.step ?? state.step}` } : e));
    }
    config.steps = options.steps;
    state.config = config;
  }
  const backend = await backendByName(config.backend);
  const load = { backend, seed: config.seed, fs: env.checkpointFs };
  const policy = (await loadModel(checkpointDir, { ...load, withOptimizer: true })).model;
  // under LoRA the reference is the base model without adapters, as in the run that wrote the checkpoint
  const reference = policy.lora ? policy.baseModel() : (await loadModel(runPath(dir, "reference"), load)).model;
  const task = withChatTemplate(
    await resolveTask(config.task, config.plugins, { taskOptions: config.taskOptions, importModule: env.importModule }),
    policy.tokenizer,
    requireFormat(config.format),
  );
  const metrics = await readMetrics(env.files, dir, { upToStep: state.step });
  await writeEvaluations(env.files, dir, state.evaluations);
  progress.log(
    state.step >= config.steps
      ? `${dir} is finished (RL step ${state.step}/${config.steps}): nothing to run; --steps N (more than ${state.step}) extends it`
      : `resuming ${dir} at RL step ${state.step}/${config.steps}`,
  );
  const started = performance.now() - state.elapsedSeconds * 1000;
  const rng = createRng({ state: state.rng });
  return await reinforce({ config, task, policy, reference, rng, state, progress, env, started, metrics });
}

/** Phases 5 and 6: the RL steps, the last evaluation, the final checkpoint and the report. */
async function reinforce(run: {
  config: TrainConfig;
  task: Task;
  policy: Model;
  reference: Model;
  rng: Rng;
  state: TrainerState;
  progress: Progress;
  env: TrainEnv;
  started: number;
  metrics: Record<string, number>[];
}): Promise<TrainResult> {
  const { config, task, policy, reference, rng, state, progress, env, started, metrics } = run;
  const elapsed = () => (performance.now() - started) / 1000;
  let lastEpisodes: Episode[] = [];
  const checkpoint = async () => {
    state.rng = rng.state();
    state.elapsedSeconds = elapsed();
    await saveRunCheckpoint(config.out, policy, state, { fs: env.checkpointFs });
    await writeReport(run, lastEpisodes, elapsed());
  };

  // --- 5. RL ---
  env.onPhase?.("rl");
  while (state.step < config.steps) {
    const { row, episodes, klCoef } = await rlStep({ config, task, policy, reference }, {
      step: state.step,
      klCoef: state.klCoef,
      rng,
    });
    state.step += 1;
    state.klCoef = klCoef;
    lastEpisodes = episodes;
    if (state.step === 1) state.firstEpisodes = reportEpisodes(episodes, config.reportEpisodes, "episode of RL step 1");
    state.lastEpisodes = reportEpisodes(episodes, config.reportEpisodes, `episode of the last RL step (${state.step})`);
    metrics.push(row);
    await appendMetrics(env.files, config.out, row);
    progress.update({
      phase: config.algo,
      step: state.step,
      steps: config.steps,
      reward: row["env/reward_mean"],
      kl: row["objective/kl"],
      tokensPerSecond: row["time/rollout_tokens_per_second"],
      elapsedSeconds: elapsed(),
    });
    if (env.stopAfterStep === state.step) {
      progress.done();
      return { evaluations: state.evaluations, metrics, step: state.step, totalSeconds: elapsed() };
    }
    if (state.step % evalEvery(config) === 0 && state.step < config.steps) {
      progress.done();
      const evaluation = { label: `RL step ${state.step}`, step: state.step, phase: "rl" as const };
      state.evaluations.push(await evaluateRun(run, evaluation, state.evaluations));
    }
    if (state.step % config.checkpointEvery === 0 && state.step < config.steps) await checkpoint();
    if (env.shouldStop?.() && state.step < config.steps) {
      progress.done();
      await checkpoint();
      // the resume command is the caller's to print (the CLI's summary on stdout); here only what happened
      progress.log(`stopped after RL step ${state.step}/${config.steps}, with a checkpoint in ${runPath(config.out, "checkpoint")}`);
      return { evaluations: state.evaluations, metrics, step: state.step, stopped: true, totalSeconds: elapsed() };
    }
  }
  progress.done();

  // --- 6. evaluate after RL, final checkpoint, report ---
  env.onPhase?.("finish");
  if (!state.evaluations.some((e) => e.label === "after RL")) {
    const evaluation = { label: "after RL", step: state.step, phase: "rl" as const };
    state.evaluations.push(await evaluateRun(run, evaluation, state.evaluations));
  }
  await checkpoint();
  return { evaluations: state.evaluations, metrics, step: state.step, totalSeconds: elapsed() };
}

/**
 * RL steps between held-out evaluations: `evalEvery`, or about 5 evaluations a run when it is 0.
 *
 * @example evalEvery({ evalEvery: 0, steps: 40 }); // 8
 */
export function evalEvery(config: Pick<TrainConfig, "evalEvery" | "steps">): number {
  return config.evalEvery > 0 ? config.evalEvery : Math.max(1, Math.ceil(config.steps / 5));
}

/** One held-out evaluation as a report row; logged, and eval.jsonl rewritten with it after `earlier`. */
async function evaluateRun(
  run: { policy: Model; task: Task; config: TrainConfig; progress: Progress; env: TrainEnv },
  at: Pick<ReportEvaluation, "label" | "step" | "phase">,
  earlier: readonly ReportEvaluation[],
): Promise<ReportEvaluation> {
  const { policy, task, config, progress, env } = run;
  progress.log(`evaluating (${at.label}) on ${config.evalSamples} held-out samples...`);
  const { summary } = await evaluatePolicy(policy, task, {
    format: config.format,
    tokenizer: policy.tokenizer,
    n: config.evalSamples,
    seed: config.seed,
    limits: config.limits,
    maxBatchSize: config.generationBatchSize,
    mode: config.rollout,
  });
  const evaluation: ReportEvaluation = {
    ...at,
    n: summary.n,
    accuracy: summary.accuracy,
    toolCallRate: summary.tool_call_rate,
    errorRate: summary.error_rate,
    selfWrittenOutputRate: summary.self_written_output_rate,
  };
  progress.log(`${at.label}: accuracy ${evaluation.accuracy.toFixed(3)} (tool calls ${evaluation.toolCallRate.toFixed(2)})`);
  await writeEvaluations(env.files, config.out, [...earlier, evaluation]);
  return evaluation;
}

async function writeReport(
  run: { config: TrainConfig; state: TrainerState; metrics: Record<string, number>[]; env: TrainEnv },
  episodes: Episode[],
  elapsedSeconds: number,
): Promise<void> {
  const html = renderRunReport({ ...run, episodes, elapsedSeconds });
  await run.env.files.writeTextAtomic(runPath(run.config.out, "report.html"), html);
}
