import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Model, OutputGrads } from "../engine/types.ts";
import { packEpisodes } from "../common/batch.ts";
import { bigramModel, fixtureTokenizer } from "../common/testing/bigram_model.ts";
import { toyRollout } from "../common/testing/toy_rollout.ts";
import { createRng } from "../../core/random/xoshiro128.ts";
import { parsePpoConfig } from "./config.ts";
import { ppoStep } from "./step.ts";

const tokenizer = fixtureTokenizer("qxyzab");
const adam = { beta1: 0.9, beta2: 0.999, weightDecay: 0 };

test("ppoStep() raises the reward of a toy task (fixed seed)", async () => {
  const policy = bigramModel(tokenizer, { seed: 1 });
  const reference = await policy.clone();
  const config = parsePpoConfig({ learningRate: 0.05, batchSize: 32, miniBatchSize: 8, initKlCoef: 0.01 });
  const rng = createRng({ seed: 1 });
  let klCoef = config.initKlCoef;
  const rewards: number[] = [];
  for (let step = 0; step < 20; step++) {
    const { episodes, scores } = await toyRollout(policy, { n: config.batchSize, seed: step });
    rewards.push(scores.reduce((a, b) => a + b, 0) / scores.length);
    const batch = packEpisodes(episodes, { padId: tokenizer.padId });
    const result = await ppoStep({ policy, reference }, { batch, scores }, { config, klCoef, rng, optimizer: adam });
    klCoef = result.klCoef;
    assert.ok(Number.isFinite(result.metrics["ppo/loss/total"]));
  }
  const first = rewards[0];
  const last = rewards.slice(-5).reduce((a, b) => a + b, 0) / 5;
  assert.ok(first < 0.3, `the untrained policy should rarely start with x (got ${first})`);
  assert.ok(last > 0.8, `reward should rise from ${first} to above 0.8, got ${last}`);
});

test("ppoStep() hands the engine no gradient on tool or prompt positions", async () => {
  const inner = bigramModel(tokenizer, { seed: 2 });
  const seen: OutputGrads[] = [];
  const policy: Model = { ...inner, backward: (grads) => (seen.push(grads), inner.backward(grads)) };
  const reference = await inner.clone();
  const q = tokenizer.encode("q");
  const episode = {
    segments: [
      { role: "prompt" as const, tokens: q },
      { role: "model" as const, tokens: tokenizer.encode("ab") },
      { role: "tool" as const, tokens: tokenizer.encode("zzz") },
      { role: "model" as const, tokens: tokenizer.encode("x") },
    ],
  };
  const batch = packEpisodes([episode, episode], { padId: 0 });
  const config = parsePpoConfig({ batchSize: 2, miniBatchSize: 2, ppoEpochs: 1 });
  await ppoStep({ policy, reference }, { batch, scores: [1, 0] }, {
    config,
    klCoef: 0.2,
    rng: createRng({ seed: 0 }),
    optimizer: adam,
  });
  assert.is(seen.length, 1);
  // positions 0..5 predict "a b z z z x": model, model, tool, tool, tool, model
  const expected = [1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1];
  expected.forEach((on, i) => {
    if (on === 0) {
      assert.is(seen[0].logprobs[i], 0, `policy gradient leaked onto masked position ${i}`);
      assert.is(seen[0].values![i], 0, `value gradient leaked onto masked position ${i}`);
    }
  });
  assert.ok(expected.some((on, i) => on === 1 && seen[0].logprobs[i] !== 0));
});

test("ppoStep() skips minibatches whose mean ratio exceeds ratioThreshold", async () => {
  const policy = bigramModel(tokenizer, { seed: 3 });
  const reference = await policy.clone();
  const before = (await policy.stateDict()).get("logits")!.data.slice();
  const { episodes, scores } = await toyRollout(policy, { n: 4, seed: 0 });
  const config = parsePpoConfig({ batchSize: 4, miniBatchSize: 2, ratioThreshold: 0.5 });
  const { metrics } = await ppoStep({ policy, reference }, { batch: packEpisodes(episodes, { padId: 0 }), scores }, {
    config,
    klCoef: 0.2,
    rng: createRng({ seed: 0 }),
    optimizer: adam,
  });
  assert.is(metrics["ppo/skipped_minibatches"], 8);
  assert.equal((await policy.stateDict()).get("logits")!.data, before);
});

test("ppoStep() stops its epochs early once the policy KL passes 1.5 * targetKl", async () => {
  const run = async (earlyStopping: boolean) => {
    const inner = bigramModel(tokenizer, { seed: 5 });
    let steps = 0;
    const policy: Model = { ...inner, step: (o) => (steps++, inner.step(o)) };
    const { episodes, scores } = await toyRollout(inner, { n: 8, seed: 1 });
    const config = parsePpoConfig({ batchSize: 8, miniBatchSize: 2, learningRate: 0.1, earlyStopping, targetKl: 1e-6 });
    const { metrics } = await ppoStep({ policy, reference: await inner.clone() }, {
      batch: packEpisodes(episodes, { padId: 0 }),
      scores,
    }, { config, klCoef: 0.2, rng: createRng({ seed: 0 }), optimizer: adam });
    return { steps, stopped: metrics["ppo/early_stopped"] };
  };
  const free = await run(false);
  const stopped = await run(true);
  assert.equal(free, { steps: 16, stopped: 0 });
  assert.is(stopped.stopped, 1);
  assert.ok(stopped.steps >= 1 && stopped.steps < 16, `took ${stopped.steps} steps`);
});

test.run();
