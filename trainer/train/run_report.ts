/**
 * The report of a training run: its settings, evaluations, curves and the last step's episodes, rendered
 * with report.ts.
 */
import type { Episode } from "../../core/types.ts";
import type { TrainerState } from "./checkpoint.ts";
import type { TrainConfig } from "./config.ts";
import { type ReportChart, renderReport } from "./report.ts";

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
  const algoKeys = config.algo === "ppo"
    ? [{ title: "PPO losses", keys: ["ppo/loss/policy", "ppo/loss/value"] }, {
      title: "value function",
      keys: ["ppo/val/var_explained", "ppo/policy/clipfrac"],
    }]
    : [{ title: "GRPO loss", keys: ["grpo/loss"] }, { title: "GRPO groups with signal", keys: ["grpo/groups_with_signal"] }];
  const charts: ReportChart[] = [
    { title: "reward of the training rollouts (temperature 1)", keys: ["env/reward_mean"] },
    { title: "KL to the reference (per sequence)", keys: ["objective/kl"] },
    { title: "KL coefficient", keys: ["objective/kl_coef"] },
    ...algoKeys,
    { title: "entropy (per sequence)", keys: ["objective/entropy"] },
    { title: "tool use", keys: ["tools/calls_per_episode", "tools/error_rate", "tools/self_written_output_rate"] },
    { title: "SFT loss", keys: ["loss"], rows: state.sftLoss },
  ];
  const shown = pickEpisodes(run.episodes, config.reportEpisodes);
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
      "tool tokens in the loss": config.includeToolTokens ? "yes (mask ablation)" : "no (masked)",
      "wall time": `${Math.round(run.elapsedSeconds)} s`,
    },
    evaluations: state.evaluations,
    metrics,
    charts,
    episodes: shown.map((episode, i) => ({
      title: `episode ${i + 1} of the last RL step (${episode.status})`,
      reward: episode.reward,
      segments: episode.segments.map((s) => ({ role: s.role, text: s.text })),
    })),
  });
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
