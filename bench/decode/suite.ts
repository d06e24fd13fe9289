/**
 * Decode throughput of the tiny model (random weights) at batch 1 and batch 64, on the plain
 * TypeScript reference and on the wasm SIMD kernels (and on the chosen backend when it is another):
 * `generate()` of a fixed number of new tokens, no stop, after a short prompt (its prefill included).
 */
import { benchBackend, benchModel, type BackendName } from "../engine.ts";
import { formatTable, type SuiteOutput } from "../report.ts";
import type { SuiteContext } from "../suite_types.ts";
import { timeRuns } from "../timing.ts";

/** One backend at one batch. */
export interface DecodeRow {
  backend: string;
  batch: number;
  newTokens: number;
  tokensPerSecond: number;
  /** Milliseconds per decode step (one token for every row of the batch). */
  msPerStep: number;
  /** tokens/s over the same backend's tokens/s at batch 1. */
  overBatch1: number;
}

/** The figures of bench/results/decode.json. */
export interface DecodeFigures {
  prompt: string;
  promptTokens: number;
  rows: DecodeRow[];
}

const PROMPT = "What is 13 - 4?\n";
const BATCHES = [1, 64];

/** Runs the suite. */
export async function run(context: SuiteContext): Promise<SuiteOutput<DecodeFigures>> {
  const newTokens = context.quick ? 8 : 32;
  const counts = context.quick ? { iterations: 1, warmup: 1 } : { iterations: 2, warmup: 1 };
  const names: BackendName[] = context.backend === "wasm" || context.backend === "cpu" ? ["cpu", "wasm"] : ["cpu", "wasm", context.backend];
  let promptTokens = 0;
  const rows: DecodeRow[] = [];
  for (const name of names) {
    const { backend, label, dispose } = await benchBackend(name);
    try {
      const model = await benchModel({ backend, init: context.init });
      const promptIds = model.tokenizer.encode(PROMPT);
      promptTokens = promptIds.length;
      for (const batch of BATCHES) {
        context.log(`decode: ${label}, batch ${batch}`);
        const contexts = Array.from({ length: batch }, () => promptIds);
        const timed = await timeRuns(`decode ${label} batch ${batch}`, async () => {
          const generations = await model.generate(contexts, { maxNewTokens: newTokens, stopTokens: [] });
          return generations.reduce((sum, g) => sum + g.tokens.length, 0);
        }, counts);
        const tokens = timed.values[timed.values.length - 1];
        const tokensPerSecond = tokens / (timed.p50Ms / 1000);
        const base = rows.find((row) => row.backend === label && row.batch === 1);
        rows.push({
          backend: label, batch, newTokens, tokensPerSecond,
          msPerStep: timed.p50Ms / newTokens,
          overBatch1: base ? tokensPerSecond / base.tokensPerSecond : 1,
        });
      }
      model.dispose();
    } finally {
      dispose();
    }
  }
  const table = formatTable(
    ["backend", "batch", "new tokens", "tokens/s", "ms/step", "x batch 1"],
    rows.map((r) => [r.backend, r.batch, r.newTokens, r.tokensPerSecond, r.msPerStep, r.overBatch1]),
    { digits: [0, 0, 0, 0, 2, 1] },
  );
  const label = names.join(", ");
  return { backend: label, figures: { prompt: PROMPT, promptTokens, rows }, table };
}
