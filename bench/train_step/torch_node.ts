/**
 * Adapter (Node and Deno, through node:child_process and node:fs): the PyTorch yardstick of the
 * training-step benchmark. One python child per thread count, started with OPENBLAS_NUM_THREADS and
 * OMP_NUM_THREADS set to it, runs torch_step.ts's script and stays up for the run. The interpreter is
 * the first of $TOOLRL_PYTHON, python3 and /usr/bin/python3 that imports torch (a pyenv python3 on the
 * PATH often lacks Debian's python3-torch); where none does, the yardstick is skipped with the reason.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnLineChild } from "../python_child_node.ts";
import { TORCH_STEP_SCRIPT } from "./torch_step.ts";

/** What a torch child needs to set up a step: the weights, the batch and the optimizer settings. */
export interface TorchStepSetup {
  /** The engine's weights as a safetensors file (HF names). */
  safetensors: Uint8Array;
  config: Record<string, unknown>;
  tokens: Int32Array;
  B: number;
  T: number;
  opt: { lr: number; beta1: number; beta2: number; eps: number; weightDecay: number; maxGradNorm: number };
}

/** One torch child at a fixed thread count. */
export interface TorchSession {
  /** e.g. "pytorch 1.13.0 (1 thread)". */
  name: string;
  threads: number;
  load(setup: TorchStepSetup): Promise<void>;
  /** Runs `count` full steps; the milliseconds and the loss of each. */
  steps(count: number): Promise<{ ms: number[]; losses: number[] }>;
  close(): void;
}

/** Opens a child per thread count, or says why it cannot. */
export async function openTorch(threadCounts: readonly number[], pythons = candidates()): Promise<TorchSession[] | { skipped: string }> {
  const reasons: string[] = [];
  for (const python of pythons) {
    const first = await openChild(python, threadCounts[0]);
    if ("skipped" in first) {
      reasons.push(`${python}: ${first.skipped}`);
      continue;
    }
    const sessions = [first];
    for (const threads of threadCounts.slice(1)) {
      const next = await openChild(python, threads);
      if ("skipped" in next) {
        for (const s of sessions) s.close();
        return next;
      }
      sessions.push(next);
    }
    return sessions;
  }
  return { skipped: `pytorch yardstick unavailable (${reasons.join("; ")})` };
}

function candidates(): string[] {
  const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
  return [...new Set([env.TOOLRL_PYTHON, "python3", "/usr/bin/python3"].filter((p): p is string => !!p))];
}

function openChild(python: string, threads: number): Promise<TorchSession | { skipped: string }> {
  const threadEnv = { OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
  const child = spawnLineChild(python, ["-c", TORCH_STEP_SCRIPT, String(threads)], threadEnv);
  const { nextLine, why } = child;
  const ask = async (request: unknown) => {
    child.send(request);
    const line = await nextLine();
    if (!line) throw new Error(`pytorch yardstick stopped: ${why()}`);
    return JSON.parse(line);
  };
  let dir: string | null = null;
  const cleanup = () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = null;
  };
  return nextLine().then((first) => {
    if (!first) return { skipped: why() };
    const { version } = JSON.parse(first) as { version: string };
    return {
      name: `pytorch ${version.split("+")[0]} (${threads} thread${threads === 1 ? "" : "s"})`,
      threads,
      async load(setup: TorchStepSetup) {
        cleanup();
        dir = mkdtempSync(join(tmpdir(), "toolrl-train-step-"));
        const path = join(dir, "model.safetensors");
        writeFileSync(path, setup.safetensors);
        const { safetensors: _, tokens, ...rest } = setup;
        await ask({ cmd: "load", path, ...rest, tokens: Array.from(tokens) });
      },
      steps: (count: number) => ask({ cmd: "steps", count }),
      close() {
        cleanup();
        child.close();
      },
    };
  });
}
