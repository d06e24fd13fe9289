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

/** A fresh temporary folder and a function that removes it. */
export async function tempRunDir(): Promise<{ path: string; cleanup(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), "toolrl-train-"));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}
