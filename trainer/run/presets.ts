/**
 * The trainer's defaults for the built-in tiny model trained from scratch, chosen so that
 * `toolrl train <task>` finishes in minutes on 2 CPU cores, and per-task adjustments on top of them.
 * Anything given on the command line overrides both. (The config schemas keep TRL's own defaults,
 * which suit a pre-trained model; these replace them for a model that starts from random weights.)
 */
import { mergeConfig } from "./merge.ts";

/** Partial train settings (the shape of `TrainConfigInput` without the task). */
export type Preset = Record<string, unknown>;

/**
 * From scratch: a 2-layer model with 8 heads of size 8 and 2,000 SFT steps. The tiny model learns to copy
 * numbers out of the tool's result, but after 1,000 steps it had not learned the rarer lengths on every seed
 * (`--seed 11`: 0.89 held-out after SFT, every miss a 4-digit product); 2,000 steps copied them (0.995).
 * A third layer fixed seed 11 after 1,000 steps but failed 1-digit results on seed 0 (0.98).
 *
 * RL: PPO with lam = 1 (Monte-Carlo advantages over a value baseline) at learning rate 1e-4. The episode's
 * only reward comes at its end, 30-40 tokens after the decision to call the tool; with TRL's lam = 0.95 the
 * GAE weight reaching that decision is 0.95^35 ~ 0.17 of a value head that is still untrained, and PPO never
 * learned to call (`--sft-tool-rate 0.1`, lr 3e-4: sampled tool-call rate 0.17 at step 1 and at step 40, greedy
 * at most 0.01); with lam = 1 the greedy rate rose to 0.98 by step 20. At 3e-5 (the previous default) RL moved nothing; 3e-4 discovered the tool faster but cost a
 * near-perfect policy accuracy (0.98 -> 0.965 PPO, 0.91 GRPO); at 1e-3 PPO broke the policy.
 * Adam's epsilon 1e-5 damps updates that are only noise.
 */
const fromScratch: Preset = {
  steps: 60,
  model: { nLayer: 2, nHead: 8, nKvHead: 8 },
  sft: { steps: 2000, batchSize: 32, demonstrations: 4000, learningRate: 5e-3, warmupSteps: 20 },
  ppo: {
    learningRate: 1e-4,
    adamEps: 1e-5,
    batchSize: 64,
    miniBatchSize: 16,
    ppoEpochs: 2,
    lam: 1,
    initKlCoef: 0.05,
    maxGradNorm: 1,
  },
  grpo: { learningRate: 1e-4, adamEps: 1e-5, promptsPerStep: 8, numGenerations: 8, miniBatchSize: 16 },
};

const byTask: Record<string, Preset> = {
  // 16,000 demonstrations instead of 4,000: the basic problems number about 6,500 in training, and with 4,000
  // demonstrations (each seen 16 times) seed 8 copied one-digit results wrong (0.930 held-out after SFT, 0.925
  // after PPO); with 16,000 (about every problem, each demonstration seen 4 times, same 2,000 steps) 0.965.
  calculator: { sft: { demonstrations: 16000 } },
  // With the task's default 200 towns the model memorises the facts of the training towns instead of reading
  // the documents, and held-out towns fail; 2000 towns make reading the tool's output the only way.
  // 16,000 demonstrations as for the calculator: at seed 0, 4,000 gave 0.875 held-out after SFT and 0.895 after
  // PPO (misses were miscopied founder names and years), 16,000 gave 0.925 and 0.920. 4,000 SFT steps instead of
  // 2,000: seed 2 copied names and years wrong after 2,000 (0.745 after SFT, 0.720 after PPO); after 4,000, seeds
  // 0, 1, 2 gave 0.96, 0.96, 0.935 after SFT and 0.94, 0.95, 0.935 after 20 PPO steps.
  wiki: { taskOptions: { towns: 2000 }, sft: { demonstrations: 16000, steps: 4000 } },
  // Training runs the python tool with one shared interpreter (a namespace per episode): an interpreter per
  // episode, the tool's isolated default and what `toolrl serve` uses, costs 0.5-0.9 s per episode on 2 cores, about
  // 40 minutes more per run. The shared one does not keep a hostile episode from reading or changing another's
  // state; `--set taskOptions.shareInterpreter=false` trains isolated.
  "python-math": { taskOptions: { shareInterpreter: true } },
};

/**
 * The defaults for a task: the from-scratch preset with the task's adjustments.
 *
 * @example presetFor("calculator").steps; // 20
 */
export function presetFor(task: string): Preset {
  return mergeConfig(structuredClone(fromScratch), structuredClone(byTask[task] ?? {}));
}
