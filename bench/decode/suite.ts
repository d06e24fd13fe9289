/**
 * Decode throughput of the tiny model (random weights) at batch 1 and batch 32: greedy `generate()` of a
 * fixed number of new tokens, no stop, after a short prompt (its prefill included), on the plain
 * TypeScript reference and on the wasm SIMD kernels (and on the chosen backend when it is another).
 * On wasm, the same model exported as `toolrl export-onnx` writes it runs in onnxruntime-web (wasm, the
 * same thread count) with its KV cache, in rounds interleaved with the engine's; the ratio is engine
 * tokens/s over onnxruntime's, and both must produce the same greedy tokens.
 */
import { benchBackend, benchModel, type BackendName } from "../engine.ts";
import { formatTable, type SuiteOutput } from "../report.ts";
import type { SuiteContext } from "../suite_types.ts";
import { timeRounds, timeRuns } from "../timing.ts";
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
        const engineRun = async () => (await model.generate(contexts, { maxNewTokens: newTokens, stopTokens: [], temperature: 0 })).map((g) => g.tokens);
        if (!onnx) {
          add(label, batch, (await timeRuns(`decode ${label} batch ${batch}`, engineRun, counts)).p50Ms);
          continue;
        }
        const [engine, baseline] = await timeRounds([
          { name: `decode ${label} batch ${batch}`, fn: engineRun },
          { name: `decode ${onnx.label} batch ${batch}`, fn: () => onnx.generate(contexts, newTokens) },
        ], counts);
        add(label, batch, engine.p50Ms);
        add(onnx.label, batch, baseline.p50Ms);
        const sameTokens = JSON.stringify(engine.values.at(-1)) === JSON.stringify(baseline.values.at(-1));
        ratios.push({ batch, ratio: baseline.p50Ms / engine.p50Ms, baseline: onnx.label, sameTokens });
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
    `batch ${r.batch}: engine = ${r.ratio.toFixed(2)}x ${r.baseline} tokens/s (median of interleaved rounds); same greedy tokens: ${r.sameTokens ? "yes" : "NO"}`
  );
  const notes = ratios.some((r) => !r.sameTokens) ? ["the engine and onnxruntime-web wrote different greedy tokens"] : [];
  return { backend: names.join(", "), figures: { prompt: PROMPT, promptTokens, rows, ratios }, table: [table, ...ratioLines].join("\n"), notes };
}
