/**
 * The report of a training run: its settings, evaluations, curves and the last step's episodes, rendered
 * with report.ts.
 */
import type { Episode } from "../../core/types.ts";
import type { TrainerState } from "./checkpoint.ts";
import type { TrainConfig } from "./config.ts";
import { type ReportChart, type ReportEpisode, renderReport } from "./report.ts";

/**
 * The HTML of `DIR/report.html` for a run.
 *
 * @example const html = renderRunReport({ config, state, metrics, episodes, elapsedSeconds: 120 });
 */
export function renderRunReport(run: {
  config: TrainConfig;
  state: TrainerState;
  metrics: Record<string, number>[];
  episodes: Episode[];
  elapsedSeconds: number;
}): string {
  const { config, state, metrics } = run;
  const unit: [number, number] = [0, 1];
  const evaluationRows = state.evaluations
    .filter((e) => e.step !== undefined && e.label !== "before SFT")
    .map((e) => ({ step: e.step!, accuracy: e.accuracy, tool_call_rate: e.toolCallRate }));
  const ppo = config.algo === "ppo";
  const charts: ReportChart[] = [
    { title: "held-out accuracy (greedy)", keys: ["accuracy"], rows: evaluationRows, yRange: unit },
    { title: "held-out tool-call rate (greedy)", keys: ["tool_call_rate"], rows: evaluationRows, yRange: unit },
    { title: "reward of the training rollouts (temperature 1)", keys: ["env/reward_mean"], yRange: rewardRange(metrics) },
    { title: "tool-call rate of the training rollouts", keys: ["tools/call_rate"], yRange: unit },
    { title: "tool error rate of the training rollouts", keys: ["tools/error_rate"], yRange: unit },
    { title: "response length (model tokens per episode)", keys: ["env/response_tokens"] },
    { title: "KL to the reference (per sequence)", keys: ["objective/kl"] },
    { title: "approx. KL between rollout and updated policy", keys: [ppo ? "ppo/policy/approxkl" : "grpo/kl_k3"] },
    { title: "gradient norm (before clipping)", keys: [ppo ? "ppo/grad_norm" : "grpo/grad_norm"] },
    { title: "clipped fraction of tokens", keys: [ppo ? "ppo/policy/clipfrac" : "grpo/clipfrac"], yRange: unit },
    { title: "entropy of the policy (per token)", keys: [ppo ? "ppo/policy/entropy" : "grpo/entropy"] },
    ...(ppo
      ? [
        { title: "KL coefficient", keys: ["objective/kl_coef"] },
        { title: "value loss", keys: ["ppo/loss/value"] },
        {
          title: "explained variance of the value head",
          keys: ["ppo/val/var_explained"],
          caption: "1 − Var(returns − values) / Var(returns): 1 is a perfect value head, 0 no better than the mean return, " +
            "below 0 worse (usual in the first steps); good runs rise above 0 and towards 1.",
        },
      ]
      : [{ title: "groups with a reward signal", keys: ["grpo/groups_with_signal"], yRange: unit }]),
    { title: "learning rate", keys: ["learning_rate"] },
    { title: "rollout throughput (generated tokens/s)", keys: ["time/rollout_tokens_per_second"] },
    { title: "SFT loss", keys: ["loss"], rows: state.sftLoss, xLabel: "SFT step" },
  ];
  const first = (state.firstEpisodes ?? []).map((episode, i) => ({ ...episode, title: `${episode.title} ${i + 1}` }));
  const last = run.episodes.length > 0
    ? reportEpisodes(run.episodes, config.reportEpisodes, `episode of the last RL step (${state.step})`)
    : state.lastEpisodes ?? [];
  return renderReport({
    title: `toolrl: ${config.task} (${config.algo}, ${config.format})`,
    summary: {
      task: config.task,
      algorithm: config.algo,
      format: config.format,
      backend: config.backend,
      seed: config.seed,
      "RL steps": `${state.step} / ${config.steps}`,
      "SFT steps": config.sft.steps,
      "SFT demonstrations that call the tool": toolRateText(config.sft.toolRate),
      "rollout loop": config.rollout,
      "tool tokens in the loss": config.includeToolTokens ? "yes (mask ablation)" : "no (masked)",
      "wall time": `${Math.round(run.elapsedSeconds)} s`,
    },
    settings: flatten(config as unknown as Record<string, unknown>),
    evaluations: state.evaluations,
    metrics,
    charts,
    episodes: [...first, ...last.map((episode, i) => ({ ...episode, title: `${episode.title} ${i + 1}` }))],
  });
}

/**
 * Up to `n` episodes as report entries, rewarded and unrewarded ones alternately so that failures show too.
 *
 * @example reportEpisodes(episodes, 6, "episode of RL step 1");
 */
export function reportEpisodes(episodes: readonly Episode[], n: number, title: string): ReportEpisode[] {
  return pickEpisodes([...episodes], n).map((episode) => ({
    title: `${title} (${episode.status})`,
    reward: episode.reward,
    segments: episode.segments.map((s) => ({ role: s.role, text: s.text })),
  }));
}

/**
 * `--sft-tool-rate` as a share with its meaning, so it does not read as a count.
 *
 * @example toolRateText(0.1) // "10% (--sft-tool-rate 0.1: each demonstration calls the tool with this probability, the others answer without it)"
 */
export function toolRateText(rate: number): string {
  const percent = `${Number((rate * 100).toFixed(1))}%`;
  if (rate >= 1) return `${percent} (--sft-tool-rate ${rate}: every demonstration calls the tool)`;
  return `${percent} (--sft-tool-rate ${rate}: each demonstration calls the tool with this probability, the others answer without it)`;
}

/** 0..1 for rewards that stay in it (0/1 verifiers), else the data's own range. */
function rewardRange(metrics: Record<string, number>[]): [number, number] | undefined {
  const rewards = metrics.map((row) => row["env/reward_mean"]).filter(Number.isFinite);
  return rewards.every((r) => r >= 0 && r <= 1) ? [0, 1] : undefined;
}

/** Nested settings as dotted keys. */
function flatten(value: Record<string, unknown>, prefix = ""): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, inner] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (inner !== null && typeof inner === "object" && !Array.isArray(inner)) Object.assign(out, flatten(inner as Record<string, unknown>, path));
    else out[path] = typeof inner === "number" || typeof inner === "boolean" ? inner : JSON.stringify(inner) ?? "unset";
  }
  return out;
}

/** Up to `n` episodes, rewarded ones and unrewarded ones alternately, so both kinds show. */
function pickEpisodes(episodes: Episode[], n: number): Episode[] {
  const good = episodes.filter((e) => (e.reward ?? 0) > 0.5);
  const bad = episodes.filter((e) => (e.reward ?? 0) <= 0.5);
  const out: Episode[] = [];
  while (out.length < n && (good.length > 0 || bad.length > 0)) {
    const next = out.length % 2 === 0 ? good.shift() ?? bad.shift() : bad.shift() ?? good.shift();
    out.push(next!);
  }
  return out;
}
