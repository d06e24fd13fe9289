/**
 * `toolrl bench train-step`: one full training step (forward with grad, backward, AdamW) of the engine
 * on the wasm kernels (2 threads) against PyTorch on the CPU (torch_node.ts, 1 and 2 threads, the faster
 * taken per round), same weights (the engine's init, passed as safetensors), same batch. The first step's
 * losses must agree (a mismatch fails the suite: the two would not be computing the same thing). Then
 * `rounds` paired rounds, each timing `steps` steps of every side back to back; a config's ratio is the
 * median over rounds of (PyTorch ms / engine ms), i.e. the engine's speed as a fraction of PyTorch's.
 * Last, `steps` more engine steps per config with every op timed: where a step's time goes, per phase and op.
 */
import { benchBackend } from "../engine.ts";
import { type Cell, formatTable, type SuiteOutput } from "../report.ts";
import type { SuiteContext } from "../suite_types.ts";
import { median } from "../timing.ts";
import { engineStep, STEP_OPTIMIZER, stepConfigs } from "./engine_step.ts";
import { type OpTime, profileBackend } from "./profile.ts";
import { openTorch, type TorchSession } from "./torch_node.ts";

/** Largest |engine loss − PyTorch loss| of the first step that counts as the same computation. */
const LOSS_TOLERANCE = 2e-3;

/** One configuration's figures. */
export interface TrainStepFigure {
  config: string;
  /** Median over rounds of the engine's median step, ms. */
  engineMs: number;
  /** Per PyTorch thread count, the median over rounds of its median step, ms. */
  pytorchMs: Record<string, number>;
  /** Engine speed / PyTorch speed: median over rounds of (faster PyTorch ms / engine ms). */
  ratio: number | null;
  /** The same from the fastest step of each side over the run. */
  ratioFastest: number | null;
  firstLoss: { engine: number; pytorch: number | null };
  /** Where an engine step's time goes (mean over the profiled steps): per "phase: op", ms and calls. */
  profile: OpTime[];
  profileStepMs: number;
}

/** The figures of bench/results/train-step.json. */
export interface TrainStepFigures {
  engine: string;
  /** The baseline every ratio is measured against, or why there is none. */
  baseline: string;
  rounds: number;
  stepsPerRound: number;
  configs: TrainStepFigure[];
}

/** Runs the suite. */
export async function run(context: SuiteContext): Promise<SuiteOutput<TrainStepFigures>> {
  const rounds = context.quick ? 1 : 3;
  const steps = context.quick ? 1 : 2;
  const { backend, label, dispose } = await benchBackend("wasm", { threads: 2 });
  const opened = await openTorch([1, 2]);
  const torch: TorchSession[] = "skipped" in opened ? [] : opened;
  const notes = "skipped" in opened ? [opened.skipped] : [];
  const configs: TrainStepFigure[] = [];
  try {
    for (const c of stepConfigs(context.quick)) {
      context.log(`train-step: ${c.name}`);
      const profiled = profileBackend(backend);
      const engine = await engineStep(c, profiled.backend, { phase: profiled.phase });
      const setup = { safetensors: engine.safetensors, config: { ...c.config }, tokens: engine.tokens, B: c.B, T: c.T, opt: STEP_OPTIMIZER };
      for (const session of torch) await session.load(setup);
      // the first step: same weights, same batch, so the same loss
      const engineLoss = await engine.step();
      const torchLosses = await Promise.all(torch.map(async (s) => (await s.steps(1)).losses[0]));
      for (const [k, loss] of torchLosses.entries()) {
        if (!(Math.abs(loss - engineLoss) <= LOSS_TOLERANCE)) {
          throw new Error(`train-step ${c.name}: first-step loss ${engineLoss} (engine) vs ${loss} (${torch[k].name}) differ by more than ${LOSS_TOLERANCE}`);
        }
      }
      const engineRounds: number[] = [], torchRounds = torch.map(() => [] as number[]), ratios: number[] = [];
      let engineFastest = Infinity;
      const torchFastest = torch.map(() => Infinity);
      for (let round = 0; round < rounds; round++) {
        const times: number[] = [];
        for (let i = 0; i < steps; i++) {
          const start = performance.now();
          await engine.step();
          times.push(performance.now() - start);
        }
        engineRounds.push(median(times));
        engineFastest = Math.min(engineFastest, ...times);
        for (const [k, session] of torch.entries()) {
          const { ms } = await session.steps(steps);
          torchRounds[k].push(median(ms));
          torchFastest[k] = Math.min(torchFastest[k], ...ms);
        }
        if (torch.length) ratios.push(Math.min(...torchRounds.map((r) => r[round])) / engineRounds[round]);
      }
      // the profile: every op's time summed over `steps` more steps, per step
      profiled.reset();
      const start = performance.now();
      for (let i = 0; i < steps; i++) await engine.step();
      const profileStepMs = (performance.now() - start) / steps;
      const profile = profiled.times().map((t) => ({ op: t.op, ms: t.ms / steps, calls: t.calls / steps }));
      configs.push({
        config: c.name,
        engineMs: median(engineRounds),
        pytorchMs: Object.fromEntries(torch.map((s, k) => [s.name, median(torchRounds[k])])),
        ratio: torch.length ? median(ratios) : null,
        ratioFastest: torch.length ? Math.min(...torchFastest) / engineFastest : null,
        firstLoss: { engine: engineLoss, pytorch: torchLosses[0] ?? null },
        profile,
        profileStepMs,
      });
      engine.model.dispose();
    }
  } finally {
    for (const s of torch) s.close();
    dispose();
  }
  const baseline = torch.length ? `${torch[0].name.replace(/ \(.*/, "")} cpu, openblas, best of ${torch.map((s) => s.threads).join(" and ")} threads per round` : notes[0];
  const figures: TrainStepFigures = { engine: label, baseline, rounds, stepsPerRound: steps, configs };
  return { backend: label, figures, table: formatFigures(figures), notes };
}

/** The ratio table, then each config's profile (ops over 1% of the step). */
export function formatFigures(figures: TrainStepFigures): string {
  const threadNames = [...new Set(figures.configs.flatMap((c) => Object.keys(c.pytorchMs)))];
  const main = formatTable(
    ["config", "engine ms", ...threadNames.map((n) => `${n} ms`), "ratio", "ratio fastest", "loss engine", "loss pytorch"],
    figures.configs.map((c) => [
      c.config, c.engineMs, ...threadNames.map((n) => c.pytorchMs[n]), c.ratio, c.ratioFastest, c.firstLoss.engine, c.firstLoss.pytorch,
    ]),
    { digits: [0, 1, ...threadNames.map(() => 1), 2, 2, 4, 4] },
  );
  const profiles = figures.configs.map((c) => {
    const shown = c.profile.filter((p) => p.ms >= c.profileStepMs * 0.01);
    const rows: Cell[][] = shown.map((p) => [p.op, p.calls, p.ms, (100 * p.ms) / c.profileStepMs]);
    const counted = c.profile.reduce((a, p) => a + p.ms, 0);
    rows.push(["(host: outside backend ops)", null, c.profileStepMs - counted, (100 * (c.profileStepMs - counted)) / c.profileStepMs]);
    return `profile of an engine step (mean of ${figures.stepsPerRound}), ${c.config}: ${c.profileStepMs.toFixed(1)} ms\n` +
      formatTable(["phase: op", "calls", "ms", "% of step"], rows, { digits: [0, 0, 2, 1] });
  });
  return [`baseline: ${figures.baseline}`, main, ...profiles].join("\n\n");
}
