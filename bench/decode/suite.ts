/**
 * Decode throughput of the tiny model (random weights) at batch 1 and batch 32: greedy `generate()` of a
 * fixed number of new tokens, no stop, after a short prompt (its prefill included), on the plain
 * TypeScript reference and on the wasm SIMD kernels (and on the chosen backend when it is another).
 * On wasm, the same model exported as `toolrl export-onnx` writes it runs in onnxruntime-web (wasm, the
 * same thread count) with its KV cache, in rounds interleaved with the engine's, each run after a pause
 * that lets the other side's threads go quiet; the ratio is engine tokens/s over onnxruntime's, and both
 * must produce the same greedy tokens. Every engine run starts with a cleared prefix cache, so the repeated
 * prompts are prefilled each time (cold), as onnxruntime's are, rather than read from the last run's cache.
 */
import { benchBackend, benchModel, type BackendName } from "../engine.ts";
import { formatTable, type SuiteOutput } from "../report.ts";
import type { SuiteContext } from "../suite_types.ts";
import { median, timeRuns } from "../timing.ts";
import { openOnnxDecoder } from "./onnx_decode.ts";

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

/** The engine on wasm against onnxruntime-web at one batch, from the same interleaved rounds. */
export interface DecodeRatio {
  batch: number;
  /** Engine tokens/s over the baseline's. */
  ratio: number;
  baseline: string;
  /** Whether both wrote the same greedy tokens. */
  sameTokens: boolean;
}

/** The figures of bench/results/decode.json. */
export interface DecodeFigures {
  prompt: string;
  promptTokens: number;
  rows: DecodeRow[];
  ratios: DecodeRatio[];
}

const PROMPT = "What is 13 - 4?\n";
const BATCHES = [1, 32];
const THREADS = 2;
/**
 * Pause before each timed run of the interleaved rounds: after a call, onnxruntime-web's worker threads
 * stay busy for about half a second (measured: ~0.5 s of CPU in the idle second after a run, none without
 * onnxruntime), which slowed whatever ran next in the process 2-4x on 2 cores.
 */
const SETTLE_MS = 1000;

/**
 * Runs every function once per round after `warmup` unmeasured rounds, each run after a `settleMs`
 * pause; per function the median milliseconds and what its last run returned.
 */
async function settledRounds<T>(
  fns: (() => Promise<T>)[], counts: { iterations: number; warmup: number }, settleMs: number,
): Promise<{ ms: number; last: T }[]> {
  const times = fns.map(() => [] as number[]);
  const last: T[] = [];
  for (let round = 0; round < counts.warmup + counts.iterations; round++) {
    for (const [k, fn] of fns.entries()) {
      await new Promise((resolve) => setTimeout(resolve, settleMs));
      const start = performance.now();
      last[k] = await fn();
      if (round >= counts.warmup) times[k].push(performance.now() - start);
    }
  }
  return fns.map((_, k) => ({ ms: median(times[k]), last: last[k] }));
}

/** Runs the suite. */
export async function run(context: SuiteContext): Promise<SuiteOutput<DecodeFigures>> {
  const newTokens = context.quick ? 8 : 32;
  const counts = context.quick ? { iterations: 1, warmup: 1 } : { iterations: 3, warmup: 1 };
  const names: BackendName[] = context.backend === "wasm" || context.backend === "cpu" ? ["cpu", "wasm"] : ["cpu", "wasm", context.backend];
  let promptTokens = 0;
  const rows: DecodeRow[] = [];
  const ratios: DecodeRatio[] = [];
  const add = (label: string, batch: number, ms: number) => {
    const tokensPerSecond = (batch * newTokens) / (ms / 1000);
    const base = rows.find((row) => row.backend === label && row.batch === 1);
    rows.push({ backend: label, batch, newTokens, tokensPerSecond, msPerStep: ms / newTokens, overBatch1: base ? tokensPerSecond / base.tokensPerSecond : 1 });
  };
  for (const name of names) {
    const { backend, label, dispose } = await benchBackend(name, name === "wasm" ? { threads: THREADS } : {});
    try {
      const model = await benchModel({ backend, init: context.init });
      const promptIds = model.tokenizer.encode(PROMPT);
      promptTokens = promptIds.length;
      const onnx = name === "wasm" ? await openOnnxDecoder(model, THREADS) : null;
      for (const batch of BATCHES) {
        context.log(`decode: ${label}${onnx ? ` and ${onnx.label}` : ""}, batch ${batch}`);
        const contexts = Array.from({ length: batch }, () => promptIds);
        const engineRun = async () => {
          model.prefixCache.clear();
          return (await model.generate(contexts, { maxNewTokens: newTokens, stopTokens: [], temperature: 0 })).map((g) => g.tokens);
        };
        if (!onnx) {
          add(label, batch, (await timeRuns(`decode ${label} batch ${batch}`, engineRun, counts)).p50Ms);
          continue;
        }
        const [engine, baseline] = await settledRounds([engineRun, () => onnx.generate(contexts, newTokens)], counts, context.quick ? 100 : SETTLE_MS);
        add(label, batch, engine.ms);
        add(onnx.label, batch, baseline.ms);
        const sameTokens = JSON.stringify(engine.last) === JSON.stringify(baseline.last);
        ratios.push({ batch, ratio: baseline.ms / engine.ms, baseline: onnx.label, sameTokens });
      }
      await onnx?.release();
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
  const ratioLines = ratios.map((r) =>
    `batch ${r.batch}: engine = ${r.ratio.toFixed(2)}x ${r.baseline} tokens/s (median of interleaved, settled rounds); same greedy tokens: ${r.sameTokens ? "yes" : "NO"}`
  );
  const notes = ratios.some((r) => !r.sameTokens) ? ["the engine and onnxruntime-web wrote different greedy tokens"] : [];
  return { backend: names.join(", "), figures: { prompt: PROMPT, promptTokens, rows, ratios }, table: [table, ...ratioLines].join("\n"), notes };
}
