import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Model, OutputGrads } from "../engine/types.ts";
import { packEpisodes } from "../common/batch.ts";
import { bigramModel, fixtureTokenizer } from "../common/testing/bigram_model.ts";
import { toyRollout } from "../common/testing/toy_rollout.ts";
import { createRng } from "../../core/random/xoshiro128.ts";
import { parseGrpoConfig } from "./config.ts";
import { grpoStep } from "./step.ts";

const tokenizer = fixtureTokenizer("qxyzab");
const adam = { beta1: 0.9, beta2: 0.999, weightDecay: 0 };

test("grpoStep() raises the reward of a toy task (fixed seed)", async () => {
  const policy = bigramModel(tokenizer, { seed: 1 });
  const reference = await policy.clone();
  const config = parseGrpoConfig({ learningRate: 0.05, promptsPerStep: 4, numGenerations: 8, miniBatchSize: 8 });
  const rng = createRng({ seed: 1 });
  const rewards: number[] = [];
  for (let step = 0; step < 20; step++) {
    // the toy task has one prompt, so every group of 8 is a group of the same prompt
    const { episodes, scores } = await toyRollout(policy, { n: 32, seed: step });
    rewards.push(scores.reduce((a, b) => a + b, 0) / scores.length);
    const batch = packEpisodes(episodes, { padId: tokenizer.padId });
    const { metrics } = await grpoStep({ policy, reference }, { batch, scores }, { config, rng, optimizer: adam });
    assert.ok(Number.isFinite(metrics["grpo/loss"]));
  }
  const last = rewards.slice(-5).reduce((a, b) => a + b, 0) / 5;
  assert.ok(rewards[0] < 0.3, `the untrained policy should rarely start with x (got ${rewards[0]})`);
  assert.ok(last > 0.8, `reward should rise from ${rewards[0]} to above 0.8, got ${last}`);
});

test("grpoStep() passes no value gradient and none on masked positions", async () => {
  const inner = bigramModel(tokenizer, { seed: 2 });
  const seen: OutputGrads[] = [];
  const policy: Model = { ...inner, backward: (grads) => (seen.push(grads), inner.backward(grads)) };
  const reference = await inner.clone();
  const episode = (answer: string) => ({
    segments: [
      { role: "prompt" as const, tokens: tokenizer.encode("q") },
      { role: "model" as const, tokens: tokenizer.encode(answer) },
      { role: "tool" as const, tokens: tokenizer.encode("zz") },
      { role: "model" as const, tokens: tokenizer.encode("b") },
    ],
  });
  const batch = packEpisodes([episode("a"), episode("x")], { padId: 0 });
  const config = parseGrpoConfig({ promptsPerStep: 1, numGenerations: 2, miniBatchSize: 2 });
  await grpoStep({ policy, reference }, { batch, scores: [0, 1] }, { config, rng: createRng({ seed: 0 }), optimizer: adam });
  assert.is(seen.length, 1);
  assert.is(seen[0].values, undefined);
  // positions predict "a z z b" per row: model, tool, tool, model
  for (const i of [1, 2, 5, 6]) assert.is(seen[0].logprobs[i], 0);
  assert.ok(seen[0].logprobs[0] !== 0 && seen[0].logprobs[4] !== 0);
});

test.run();
