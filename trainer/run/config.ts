/**
 * The training run's settings: what `toolrl train` builds from its flags, what `trainer_state.json` keeps,
 * and what `--resume` reads back. One line of doc per field; `parseTrainConfig({ task })` fills in defaults,
 * starting from the task's preset (presets.ts).
 */
import * as v from "valibot";
import { parseConfig } from "../../core/config/mod.ts";
import type { FormatName } from "../../core/types.ts";
import { checkGrpoConfig, type GrpoConfig, GrpoConfigSchema } from "../grpo/config.ts";
import { checkPpoConfig, type PpoConfig, PpoConfigSchema } from "../ppo/config.ts";
import { type SftConfig, SftConfigSchema } from "../sft/config.ts";
import { mergeConfig } from "./merge.ts";
import { presetFor } from "./presets.ts";

const integer = (defaultValue: number, doc: string, min = 0) =>
  v.optional(v.pipe(v.number(), v.integer(), v.minValue(min), v.description(doc)), defaultValue);

/** Model-size overrides on top of the engine's tiny config. */
const size = (min: number, doc: string) => v.optional(v.pipe(v.number(), v.integer(), v.minValue(min), v.description(doc)));
const ModelOverridesSchema = v.strictObject({
  nLayer: size(1, "Transformer layers of the fresh model (unset: the engine's tiny config)."),
  nHead: size(1, "Attention heads."),
  nKvHead: size(1, "Key/value heads (grouped-query attention when below nHead)."),
  nEmbd: size(1, "Width of the residual stream."),
  nInner: size(1, "Width of the MLP."),
  maxSeqLen: size(8, "Longest sequence (prompt and response) in tokens."),
});

/** Rollout limits the run sets on top of the task's. */
const LimitsSchema = v.strictObject({
  maxTurns: size(1, "Model turns per episode (unset: the task's limit)."),
  maxToolCalls: size(0, "Tool calls per episode."),
  maxParallelCalls: size(1, "Tool calls run at once within one turn."),
  maxTotalResponseTokens: size(1, "Model tokens per episode, summed over turns."),
  maxNewTokensPerTurn: size(1, "New tokens per model turn."),
  maxToolResponseLength: size(0, "Length of one tool response (in the task's unit)."),
});

/** The train config schema. */
export const TrainConfigSchema: v.GenericSchema<TrainConfigInput, TrainConfig> = v.strictObject({
  task: v.pipe(v.string(), v.minLength(1), v.description("Task name (built-in or from a --plugin).")),
  algo: v.optional(v.pipe(v.picklist(["ppo", "grpo"]), v.description("RL algorithm.")), "ppo"),
  format: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^[A-Za-z][\w.-]*$/, "a format name is a word such as hermes"),
      v.description("Tool-call format: a registered one (submit, hermes, react, llama3_json) or one a --plugin registers."),
    ),
    "submit",
  ),
  backend: v.optional(v.pipe(v.picklist(["cpu", "webgpu"]), v.description("Engine backend.")), "cpu"),
  seed: integer(0, "Seed of weights, data, sampling and shuffling."),
  steps: integer(40, "RL steps after the SFT warm-up."),
  out: v.optional(v.pipe(v.string(), v.description("Run folder (metrics.jsonl, report.html, checkpoint/).")), ""),
  init: v.optional(v.pipe(v.string(), v.description("Checkpoint folder to start from instead of a fresh tiny model."))),
  plugins: v.optional(v.pipe(v.array(v.string()), v.description("Plugin modules or built-in names to load.")), []),
  taskOptions: v.optional(
    v.pipe(v.record(v.string(), v.unknown()), v.description("Options for the factory of the plugin that has the task.")),
    {},
  ),
  includeToolTokens: v.optional(
    v.pipe(v.boolean(), v.description("Mask ablation: train on tool-output tokens too (SFT and RL).")),
    false,
  ),
  checkpointEvery: integer(10, "Write the checkpoint every this many RL steps (and at the end).", 1),
  evalSamples: integer(200, "Held-out samples per evaluation (seeds disjoint from training)."),
  evalEvery: integer(0, "Evaluate on held-out samples every K RL steps (eval.jsonl); 0: about 5 times a run."),
  evalBeforeSft: v.optional(v.pipe(v.boolean(), v.description("Also evaluate the model before SFT.")), false),
  rollout: v.optional(
    v.pipe(
      v.picklist(["async", "lockstep"]),
      v.description("Rollout loop of RL steps, evaluations and demonstrations: async (continuous batching) or lockstep."),
    ),
    "async",
  ),
  temperature: v.optional(v.pipe(v.number(), v.minValue(0), v.description("Sampling temperature of RL rollouts.")), 1),
  rewardScale: v.optional(
    v.pipe(v.number(), v.description("Multiply every verifier score by this before the RL update (TRL's reward scaling).")),
    1,
  ),
  rewardClip: v.optional(
    v.pipe(v.number(), v.minValue(0), v.description("Clip scaled scores to [-rewardClip, rewardClip] (TRL's score_clip); 0: no clip.")),
    0,
  ),
  generationBatchSize: integer(64, "Contexts per generate call in rollouts and evaluations (bounds engine memory).", 1),
  reportEpisodes: integer(6, "Sample episodes shown in report.html."),
  lora: v.optional(
    v.pipe(
      v.object({
        rank: v.pipe(v.number(), v.integer(), v.minValue(1), v.description("LoRA rank r.")),
        alpha: v.pipe(v.number(), v.gtValue(0), v.description("LoRA alpha (scale alpha / r).")),
        targetModules: v.pipe(v.array(v.string()), v.minLength(1), v.description("HF module names, e.g. q_proj, v_proj.")),
      }),
      v.description("LoRA adapters (only they and the value head train; the reference is the base model)."),
    ),
  ),
  model: v.optional(ModelOverridesSchema, {}),
  limits: v.optional(LimitsSchema, {}),
  sft: v.optional(SftConfigSchema, {}),
  ppo: v.optional(PpoConfigSchema, {}),
  grpo: v.optional(GrpoConfigSchema, {}),
});

/** Model-size overrides (any subset; the schema above documents each). */
export interface ModelOverrides {
  nLayer?: number;
  nHead?: number;
  nKvHead?: number;
  nEmbd?: number;
  nInner?: number;
  maxSeqLen?: number;
}

/** Rollout limits a run sets over the task's (any subset). */
export interface LimitOverrides {
  maxTurns?: number;
  maxToolCalls?: number;
  maxParallelCalls?: number;
  maxTotalResponseTokens?: number;
  maxNewTokensPerTurn?: number;
  maxToolResponseLength?: number;
}

/** A run's settings with every default filled in (the schema above documents each). */
export interface TrainConfig {
  task: string;
  algo: "ppo" | "grpo";
  /** Checked against the format registry once the run's plugins are loaded (`requireFormat`). */
  format: FormatName;
  backend: "cpu" | "webgpu";
  seed: number;
  steps: number;
  out: string;
  init?: string;
  plugins: string[];
  taskOptions: Record<string, unknown>;
  includeToolTokens: boolean;
  checkpointEvery: number;
  evalSamples: number;
  evalEvery: number;
  evalBeforeSft: boolean;
  rollout: "async" | "lockstep";
  temperature: number;
  rewardScale: number;
  rewardClip: number;
  generationBatchSize: number;
  reportEpisodes: number;
  /** LoRA adapters; absent: every weight trains. */
  lora?: { rank: number; alpha: number; targetModules: string[] };
  model: ModelOverrides;
  limits: LimitOverrides;
  sft: SftConfig;
  ppo: PpoConfig;
  grpo: GrpoConfig;
}

/** What may be given: the task and any overrides. */
export type TrainConfigInput =
  & { task: string }
  & Partial<Omit<TrainConfig, "task" | "sft" | "ppo" | "grpo">>
  & { sft?: Partial<SftConfig>; ppo?: Partial<PpoConfig>; grpo?: Partial<GrpoConfig> };

type Json = Record<string, unknown>;

/**
 * Validates a run's settings over the task's preset and fills in defaults; throws naming the bad fields.
 *
 * @example parseTrainConfig({ task: "calculator", steps: 5 }).ppo.cliprange; // 0.2
 */
export function parseTrainConfig(input: TrainConfigInput): TrainConfig {
  const merged = mergeConfig(presetFor(String((input as Json).task ?? "")), input as Json);
  const config = parseConfig(TrainConfigSchema, merged, {
    what: "training settings",
    help: 'run "toolrl train --help" for the options',
    check: (c) => (c.algo === "ppo" ? checkPpoConfig(c.ppo) : checkGrpoConfig(c.grpo)),
  });
  if (config.out === "") config.out = `runs/${config.task}`;
  return config;
}
