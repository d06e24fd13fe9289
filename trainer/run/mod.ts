/**
 * The training loop shared by PPO and GRPO: settings, packing, the run (SFT warm-up, evaluation, RL,
 * checkpoints, resume), metrics, progress and the HTML report.
 */
export * from "./checkpoint.ts";
export * from "./config.ts";
export * from "./evaluate.ts";
export * from "./merge.ts";
export * from "./presets.ts";
export * from "./progress.ts";
export * from "./report.ts";
export * from "./rl_step.ts";
export * from "./run_files.ts";
export * from "./run_report.ts";
export * from "./setup.ts";
export * from "./summarize.ts";
export * from "./train.ts";
