/**
 * The engine's side of the device check's training-step timing: a checkpoint folder written by
 * `torch_timing.py write` (config.json, model.safetensors, batch.json, adapter/), loaded on a backend,
 * full fine-tuning or the folder's LoRA adapters, and timed steps of zeroGrad, forward with grad, backward
 * of the mean next-token cross-entropy, global-norm clipping at 1 and AdamW, as the PyTorch side runs them.
 *
 * Shapes: B batch, T time, V vocabulary.
 */
import type { Backend } from "../../trainer/engine/backend/backend.ts";
import { loadCheckpoint } from "../../trainer/engine/io/checkpoint/load_checkpoint.ts";
import { type FileSystem, joinPath } from "../../trainer/engine/io/fs/fs.ts";
import { readPeftAdapter } from "../../trainer/engine/io/lora/peft_adapter.ts";
import { createModel } from "../../trainer/engine/model/model.ts";
import type { OptimizerConfig } from "../../trainer/engine/types.ts";

/** The optimizer of both sides: AdamW, decay on matrices only, clipping at 1 (torch_timing.py uses the same). */
export const DEVICE_STEP_OPTIMIZER: OptimizerConfig = {
  lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, maxGradNorm: 1,
};

/** What one timing run reports: per-step wall times and losses (the loss of the forward before each update). */
export interface StepTiming {
  mode: "full" | "lora";
  B: number;
  T: number;
  parameters: number;
  loadMs: number;
  warmup: number;
  /** The first step, pipelines compiled and buffers allocated in it: a figure even when no timed step fits the deadline. */
  firstStepMs: number | null;
  stepMs: number[];
  medianMs: number | null;
  losses: number[];
}

/** The batch `torch_timing.py write` leaves in `batch.json`. */
export interface StepBatch {
  B: number;
  T: number;
  tokens: number[];
}

/** Median of a non-empty list, else null. @example median([3, 1, 2]); // 2 */
export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Loads `dir` on `backend` and times `warmup` + up to `steps` training steps, fewer when `deadlineMs`
 * (a `performance.now()` time) would be passed; `log` gets one line per step.
 *
 * @example
 * ```ts
 * const timing = await timeTrainSteps("runs/qwen3", { fs, backend, mode: "lora", warmup: 1, steps: 3 });
 * ```
 */
export async function timeTrainSteps(
  dir: string,
  options: {
    fs: FileSystem; backend: Backend; mode: "full" | "lora"; warmup: number; steps: number;
    deadlineMs?: number; log?: (line: string) => void;
  },
): Promise<StepTiming> {
  const { fs, backend, mode, warmup, steps, deadlineMs = Infinity, log = () => {} } = options;
  const started = performance.now();
  const batch = JSON.parse(new TextDecoder().decode(await fs.readFile(joinPath(dir, "batch.json")))) as StepBatch;
  const { B, T } = batch;
  if (batch.tokens.length !== B * T) throw new Error(`${dir}/batch.json holds ${batch.tokens.length} ids, not B·T = ${B * T}`);
  const checkpoint = await loadCheckpoint(dir, { fs, allowMissingTokenizer: true });
  const adapter = mode === "lora" ? await readPeftAdapter(joinPath(dir, "adapter"), { fs }) : null;
  if (mode === "lora" && !adapter) throw new Error(`${dir}/adapter has no adapter_config.json; run torch_timing.py write first`);
  const model = await createModel(checkpoint.config, {
    tokenizer: checkpoint.tokenizer, backend, lora: adapter?.lora ?? null, prefixCache: { budgetBytes: 0 }, skipInit: true,
  });
  await model.loadStateDict(checkpoint.weights);
  if (adapter) await model.loadAdapterState(adapter.tensors);
  // a one-value read waits for every dispatch before it: the end of a step on a device backend
  const probe = backend.alloc([1]);
  const settle = async () => {
    backend.zero(probe);
    await backend.download(probe);
  };
  await settle();
  const loadMs = performance.now() - started;
  const tokens = Int32Array.from(batch.tokens);
  const count = B * (T - 1);
  const dlogprobs = new Float32Array(count).fill(-1 / count);
  const step = async () => {
    model.zeroGrad();
    const { logprobs } = await model.forward({ tokens, B, T }, { grad: true });
    await model.backward({ logprobs: dlogprobs });
    await model.step(DEVICE_STEP_OPTIMIZER);
    await settle();
    return -logprobs.reduce((a, b) => a + b, 0) / count;
  };
  const stepMs: number[] = [];
  const losses: number[] = [];
  let firstStepMs: number | null = null;
  let longest = 0;
  for (let i = 0; i < warmup + steps; i++) {
    if (i > 0 && performance.now() + longest > deadlineMs) {
      log(`${mode}: stopping after ${i} steps, the next would pass the deadline`);
      break;
    }
    const t0 = performance.now();
    const loss = await step();
    const ms = performance.now() - t0;
    longest = Math.max(longest, ms);
    firstStepMs ??= ms;
    losses.push(loss);
    if (i >= warmup) stepMs.push(ms);
    log(`${mode} step ${i + 1}${i < warmup ? " (warm-up)" : ""}: loss ${loss.toFixed(6)}, ${ms.toFixed(1)} ms`);
  }
  backend.free(probe);
  const parameters = model.parameterCount;
  model.dispose();
  return { mode, B, T, parameters, loadMs, warmup, firstStepMs, stepMs, medianMs: median(stepMs), losses };
}
