import { test } from "uvu";
import * as assert from "uvu/assert";
import { solverPolicy } from "../../core/policy/solver.ts";
import { rollout } from "../../core/rollout/rollout.ts";
import { charTokenizer } from "../../core/tokenizer/mod.ts";
import { calculatorTask } from "../../plugins/calculator/task.ts";
import { createCpuBackend } from "../../trainer/engine/cpu/cpu_backend.ts";
import { benchModel } from "../engine.ts";
import { forcedPolicy } from "./forced_policy.ts";

const task = calculatorTask();
const tokenizer = charTokenizer();
const samples = task.samples({ seed: 3, n: 3 });
const items = samples.map((sample) => ({ prompt: task.prompt(sample, "submit"), sample }));

test("forcedPolicy() makes a random model's episodes call the tool and answer, with the engine computing every token", async () => {
  const engine = await benchModel({ backend: createCpuBackend() });
  let engineTokens = 0, unforced = 0;
  const counted = {
    generate: async (contexts: number[][], options: Parameters<typeof engine.generate>[1]) => {
      const generations = await engine.generate(contexts, options);
      engineTokens += generations.reduce((sum, g) => sum + g.tokens.length, 0);
      unforced += generations.filter((g, i) => g.tokens.join() !== options.forceTokens![i]!.join()).length;
      return generations;
    },
  };
  const policy = forcedPolicy(counted, solverPolicy(task, "submit", tokenizer, samples));
  const { episodes, metrics } = await rollout({ policy, tokenizer, format: "submit", tools: task.tools, items, verifier: task.verifier, limits: task.limits });
  assert.equal(episodes.map((e) => e.reward), [1, 1, 1]);
  assert.is(metrics.toolCalls, 3);
  assert.is(metrics.toolErrors, 0);
  assert.is(policy.stats.forcedTokens, metrics.generatedTokens);
  assert.is(policy.stats.computedTokens, metrics.generatedTokens);
  assert.is(engineTokens, metrics.generatedTokens);
  assert.is(policy.stats.generateCalls, metrics.generateCalls);
  // the engine fed the script's tokens, so later turns reuse the cached keys of earlier ones
  assert.is(unforced, 0);
  const cache = engine.prefixCache.stats();
  assert.ok(cache.hits >= 3 && cache.hitRate > 0.5, `prefix cache hit rate ${cache.hitRate}`);
  engine.dispose();
});

test("forcedPolicy() returns the script's tokens without logprobs and counts what a too-short model could not compute", async () => {
  const script = solverPolicy(task, "submit", tokenizer, samples);
  const context = tokenizer.encode(items[0].prompt);
  const [expected] = await script.generate([context], { maxNewTokens: 80, stop: ["<call>"] });
  const short = { generate: () => Promise.resolve([{ tokens: [1, 2], finishReason: "length" as const }]) };
  const policy = forcedPolicy(short, script);
  const [generation] = await policy.generate([context], { maxNewTokens: 80, stop: ["<call>"] });
  assert.equal(generation.tokens, expected.tokens);
  assert.is(generation.logprobs, undefined);
  assert.is(policy.stats.forcedTokens, expected.tokens.length);
  assert.is(policy.stats.computedTokens, 2);
});

test.run();
