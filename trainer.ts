/**
 * toolrl/trainer — training runs (`train`, `resumeTraining`, `evaluatePolicy`, the config and its presets),
 * SFT, PPO as TRL does it, GRPO, and `nodeRunFiles` (the run folder on the local disk, Node and Deno).
 *
 * @example
 * ```ts
 * import { nodeRunFiles, parseTrainConfig, train } from "toolrl/trainer";
 * const config = parseTrainConfig({ task: "calculator", out: "runs/calc" });
 * await train(config, { files: nodeRunFiles(), progress: { write: (t) => console.error(t), isTTY: false } });
 * ```
 * @module
 */
export * from "./trainer/run/mod.ts";
export * from "./trainer/common/mod.ts";
export { nodeRunFiles } from "./trainer/run/run_files_node.ts";
export { settingDocs, settingsHelp } from "./trainer/run/config_help.ts";
export * from "./trainer/sft/mod.ts";
export * from "./trainer/ppo/mod.ts";
export * from "./trainer/grpo/mod.ts";
