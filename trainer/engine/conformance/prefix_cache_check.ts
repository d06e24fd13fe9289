/**
 * The prefix cache end to end on one backend: a model with the cache and one without (same weights)
 * generate the same three turns of a multi-turn conversation — a GRPO-like group sharing a prompt,
 * contexts that grow by their generated tokens plus tool text, rows that join and leave — and must
 * write the same greedy tokens with logprobs within a tolerance. Small prefill chunks make passes
 * split rows, so chunked prefill over cached keys is what runs. Then calls made while others run join
 * their decode steps (the step batcher): each must still write what it writes alone.
 */
import type { Backend } from "../backend/backend.ts";
import { createModel, type EngineModel } from "../model/model.ts";
import type { ModelConfig } from "../types.ts";
import { asciiTokenizer } from "./fixtures.ts";
import { messageTask } from "../../../core/runtime/mod.ts";

/** What {@link checkPrefixCache} found. */
export interface PrefixCacheReport {
  ok: boolean;
  /** Largest |logprob difference| between cached and uncached generation. */
  maxLogprobDiff: number;
  /** Contexts that reused cached positions, and the share of positions reused. */
  hits: number;
  hitRate: number;
  /** One line per family, with the first difference where there is one. */
  text: string;
}

const base = { vocabSize: 97, maxSeqLen: 96, nLayer: 2, nHead: 4, nEmbd: 16, nInner: 24, normEps: 1e-5, ropeTheta: 10000 };
/** Learned positions (gpt2) and RoPE with grouped heads (llama). */
export const PREFIX_CHECK_CONFIGS: ModelConfig[] = [
  { ...base, family: "gpt2", nKvHead: 4, qkvBias: false, tieEmbeddings: true },
  { ...base, family: "llama", nKvHead: 2, qkvBias: false, tieEmbeddings: false },
];

/**
 * Three calls with different budgets, the second and third made one and two macrotasks after the first,
 * so they join its decode steps mid-way; each must match the model without the cache called alone, and
 * the calls must have shared steps. Returns the first problem, or "".
 */
async function staggeredCalls(
  cached: EngineModel, plain: EngineModel, contexts: number[][], diff: (d: number) => void,
): Promise<string> {
  const calls = [[contexts[0], contexts[1]], [contexts[2]], [contexts[0].slice(0, 9)]];
  const budgets = [9, 4, 6];
  const options = (k: number) => ({ maxNewTokens: budgets[k], temperature: 0, stopTokens: [] });
  // one macrotask, as the batcher yields between steps (a timer may wait a millisecond, longer than all the steps)
  const tick = messageTask;
  const stepsBefore = cached.prefixCache.stats().steps;
  const pending = [cached.generate(calls[0], options(0))];
  await tick();
  pending.push(cached.generate(calls[1], options(1)));
  await tick();
  pending.push(cached.generate(calls[2], options(2)));
  const actual = await Promise.all(pending);
  const steps = cached.prefixCache.stats().steps - stepsBefore;
  for (let k = 0; k < calls.length; k++) {
    const expected = await plain.generate(calls[k], options(k));
    for (let b = 0; b < calls[k].length; b++) {
      if (actual[k][b].tokens.join() !== expected[b].tokens.join()) {
        return `staggered call ${k} context ${b}: tokens [${actual[k][b].tokens}] with the cache, [${expected[b].tokens}] without`;
      }
      actual[k][b].logprobs!.forEach((lp, j) => diff(Math.abs(lp - expected[b].logprobs![j])));
    }
  }
  const alone = budgets.reduce((a, b) => a + b, 0);
  return steps < alone ? "" : `staggered calls took ${steps} steps, as many as ${alone} calls one after another: they did not share steps`;
}

/**
 * Runs the three turns with and without the cache on `backend`; `tolerance` bounds the logprob difference.
 *
 * @example
 * ```ts
 * const report = await checkPrefixCache(createCpuBackend());
 * if (!report.ok) console.log(report.text);
 * ```
 */
export async function checkPrefixCache(backend: Backend, options: { tolerance?: number } = {}): Promise<PrefixCacheReport> {
  const tolerance = options.tolerance ?? 1e-4;
  const tokenizer = asciiTokenizer();
  const enc = (s: string) => tokenizer.encode(s);
  const lines: string[] = [];
  let maxLogprobDiff = 0, hits = 0, hitRate = 0, ok = true;
  for (const config of PREFIX_CHECK_CONFIGS) {
    const cached = await createModel(config, { tokenizer, backend, seed: 5, prefixCache: { chunkTokens: 7, minShared: 4 } });
    const plain = await createModel(config, { tokenizer, backend, seed: 5, prefixCache: { budgetBytes: 0 } });
    const prompt = enc("You answer with a tool. Q: 12*7?");
    let contexts = [prompt, prompt, enc("Q: what is 3+4?"), prompt];
    let problem = "";
    try {
      for (let turn = 0; turn < 3 && !problem; turn++) {
        const options = { maxNewTokens: 5, temperature: 0, stopTokens: [] };
        const expected = await plain.generate(contexts, options);
        const actual = await cached.generate(contexts, options);
        for (let b = 0; b < contexts.length && !problem; b++) {
          if (actual[b].tokens.join() !== expected[b].tokens.join()) {
            problem = `turn ${turn} context ${b}: tokens [${actual[b].tokens}] with the cache, [${expected[b].tokens}] without`;
          }
          actual[b].logprobs!.forEach((lp, j) => (maxLogprobDiff = Math.max(maxLogprobDiff, Math.abs(lp - expected[b].logprobs![j]))));
        }
        // the next turn: each context grows by what it wrote and a tool result; one leaves, one joins
        contexts = contexts.map((c, b) => [...c, ...expected[b].tokens, ...enc(` <r>${b * 7 + turn}</r> `)]).slice(1);
        contexts.push(enc(`Q: new ${turn}`));
      }
      if (!problem) problem = await staggeredCalls(cached, plain, contexts, (d) => (maxLogprobDiff = Math.max(maxLogprobDiff, d)));
    } finally {
      const stats = cached.prefixCache.stats();
      hits += stats.hits;
      hitRate = Math.max(hitRate, stats.hitRate);
      cached.dispose();
      plain.dispose();
    }
    if (!problem && maxLogprobDiff > tolerance) problem = `logprobs differ by ${maxLogprobDiff.toExponential(2)} > ${tolerance}`;
    if (problem) ok = false;
    lines.push(`${problem ? "FAIL" : "ok  "} ${config.family}: cached vs uncached generation over 3 turns and staggered calls${problem ? `: ${problem}` : ""}`);
  }
  if (hits === 0) {
    ok = false;
    lines.push("FAIL no context reused a cached prefix; the cache did not run");
  }
  return { ok, maxLogprobDiff, hits, hitRate, text: lines.join("\n") };
}
