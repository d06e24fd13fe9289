// The rollout loop over the engine gives the same episodes with the prefix cache as without it: GRPO-like
// groups sharing a prompt, tools that answer after different delays (episodes join and leave batches at
// any turn), two forced tool-call turns and a sampled last turn.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as v from "valibot";
import { rollout } from "../../../core/rollout/rollout.ts";
import type { Episode, GenerateOptions, Policy, Tool } from "../../../core/types.ts";
import { asciiTokenizer } from "../conformance/fixtures.ts";
import { PREFIX_CHECK_CONFIGS } from "../conformance/prefix_cache_check.ts";
import { createModel, type EngineModel } from "./model.ts";

const tokenizer = asciiTokenizer();

/** Adds `a+b`, after a delay that differs per call so episodes come back at different times. */
const adder: Tool<{ expression: string }> = {
  name: "Calculator",
  description: "adds a+b",
  parameters: v.object({ expression: v.string() }),
  timeoutMs: 2000,
  fromText: (query) => ({ expression: query.trim() }),
  run: async ({ expression }) => {
    const [a, b] = expression.split("+").map(Number);
    await new Promise((resolve) => setTimeout(resolve, (a * 7 + b * 3) % 11));
    return String(a + b);
  },
};

/**
 * The engine, forced to write a tool call in each of the first two turns, sampling freely after; `perStep`
 * lets the loop call it per episode (the engine's step batching) where the engine allows it.
 */
function scripted(engine: EngineModel, perStep: boolean): Policy {
  return {
    batchesConcurrentCalls: perStep && engine.batchesConcurrentCalls,
    generate(contexts: number[][], options: GenerateOptions) {
      const forceTokens = contexts.map((context) => {
        const text = tokenizer.decode(context);
        const calls = text.split("<response>").length - 1;
        const a = text.length % 7;
        return calls < 2 ? tokenizer.encode(`<request><Calculator>${a}+${calls}<call>`) : null;
      });
      return engine.generate(contexts, { ...options, forceTokens, stopTokens: [] });
    },
  };
}

async function episodes(prefixCache: { budgetBytes?: number; chunkTokens?: number }, perStep = true): Promise<Episode[]> {
  const engine = await createModel(PREFIX_CHECK_CONFIGS[1], { tokenizer, seed: 4, prefixCache: { minShared: 4, ...prefixCache } });
  const prompts = ["Q: 1+2?", "Q: 1+2?", "Q: 1+2?", "What is 3+4?!", "What is 3+4?!", "Q: 19+9?"];
  const result = await rollout({
    policy: scripted(engine, perStep),
    tokenizer,
    format: "submit",
    tools: [adder as Tool],
    items: prompts.map((prompt) => ({ prompt })),
    limits: { maxTurns: 3, maxNewTokensPerTurn: 40 },
    sampling: { temperature: 1, seed: 11 },
  });
  assert.equal(result.errors, []);
  const stats = engine.prefixCache.stats();
  if (prefixCache.budgetBytes !== 0) assert.ok(stats.hitRate > 0.5, `${stats.hitRate}`);
  // per episode, the calls were joined per step: more rows per step than contexts per call
  if (prefixCache.budgetBytes !== 0 && perStep) assert.ok(stats.stepRows / stats.steps > result.metrics.meanBatchSize, JSON.stringify(stats));
  assert.is(stats.leased, 0);
  engine.dispose();
  return result.episodes;
}

test("episodes are identical with the prefix cache on and off (async loop, groups, staggered tools)", async () => {
  const off = await episodes({ budgetBytes: 0 });
  const runs = [await episodes({}), await episodes({ chunkTokens: 5 }), await episodes({}, false)];
  for (const on of runs) {
    assert.equal(on.map((e) => e.tokens()), off.map((e) => e.tokens()));
    assert.equal(on.map((e) => e.mask()), off.map((e) => e.mask()));
    assert.equal(on.map((e) => e.status), off.map((e) => e.status));
    on.forEach((episode, k) =>
      episode.segments.forEach((segment, s) =>
        (segment.logprobs ?? []).forEach((lp, j) => assert.ok(Math.abs(lp - off[k].segments[s].logprobs![j]) < 1e-4))
      )
    );
  }
  // the sampled third turn really ran: every episode made two calls and wrote more after them
  assert.ok(off.every((e) => e.calls.length === 2 && e.segments.filter((s) => s.role === "model").length === 3));
});

test.run();
