/**
 * Test helper: settings of a training run small enough for a unit test (a 1-layer model, a handful of
 * samples, short turns), and a temporary run folder.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseTrainConfig, type TrainConfig, type TrainConfigInput } from "../config.ts";

/** A calculator run with a tiny model and tiny batches, overridable. */
export function tinyRunConfig(out: string, overrides: Partial<TrainConfigInput> = {}): TrainConfig {
  return parseTrainConfig({
    task: "calculator",
    out,
    steps: 4,
    checkpointEvery: 2,
    evalSamples: 4,
    model: { nLayer: 1, nEmbd: 32, nHead: 2, nKvHead: 1, nInner: 64, maxSeqLen: 96 },
    limits: { maxTurns: 2, maxNewTokensPerTurn: 24 }, // room for the solver's call (demonstrations use these limits too)
    sft: { steps: 2, batchSize: 4, demonstrations: 16 },
    ppo: { batchSize: 4, miniBatchSize: 2, ppoEpochs: 1, learningRate: 1e-3 },
    grpo: { promptsPerStep: 2, numGenerations: 2, miniBatchSize: 4, learningRate: 1e-3 },
    ...overrides,
  });
}

/** The same tiny run as `toolrl train` flags (a later flag of the same name wins, so tests append their own). */
export const TINY_TRAIN_FLAGS: readonly string[] = [
  "--steps", "2", "--sft-steps", "2", "--eval-n", "3", "--checkpoint-every", "1",
  "--set", "model.nLayer=1", "--set", "model.nEmbd=32", "--set", "model.nHead=2", "--set", "model.nKvHead=1",
  "--set", "model.nInner=64", "--set", "model.maxSeqLen=96",
  "--set", "limits.maxTurns=2", "--set", "limits.maxNewTokensPerTurn=24",
  "--set", "sft.batchSize=4", "--set", "sft.demonstrations=8",
  "--set", "ppo.batchSize=4", "--set", "ppo.miniBatchSize=2", "--set", "ppo.ppoEpochs=1",
  "--set", "grpo.promptsPerStep=2", "--set", "grpo.numGenerations=2",
];

/** A fresh temporary folder and a function that removes it. */
export async function tempRunDir(): Promise<{ path: string; cleanup(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), "toolrl-train-"));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}
