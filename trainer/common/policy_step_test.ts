// The step skeleton PPO and GRPO share: micro-batches per minibatch, gradient scale, skipped minibatches and
// early stops as the loss plug-in asks, summed statistics and one optimizer step per minibatch.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Model, OutputGrads } from "../engine/types.ts";
import { packEpisodes } from "./batch.ts";
import { createRng } from "../../core/random/xoshiro128.ts";
import { bigramModel, fixtureTokenizer } from "./testing/bigram_model.ts";
import { toyRollout } from "./testing/toy_rollout.ts";
import { type MicroBatchLoss, policyStep } from "./policy_step.ts";

const tokenizer = fixtureTokenizer("qxyzab");
const schedule = { epochs: 2, miniBatchSize: 4, gradientAccumulationSteps: 2, learningRate: 0.01, maxGradNorm: 0, adamEps: 1e-8 };
const optimizer = { beta1: 0.9, beta2: 0.999, weightDecay: 0 };

async function setUp() {
  const inner = bigramModel(tokenizer, { seed: 3 });
  const calls = { backward: [] as OutputGrads[], steps: 0 };
  const policy: Model = {
    ...inner,
    backward: (grads) => (calls.backward.push(grads), inner.backward(grads)),
    step: (options) => (calls.steps++, inner.step(options)),
  };
  const { episodes } = await toyRollout(inner, { n: 8, seed: 0 });
  return { policy, reference: await inner.clone(), calls, batch: packEpisodes(episodes, { padId: tokenizer.padId }) };
}

test("policyStep() runs epochs x minibatches x micro-batches, scales their gradients and steps once per minibatch", async () => {
  const { policy, reference, calls, batch } = await setUp();
  const seenRows: number[][] = [];
  const run = await policyStep({ policy, reference }, batch, {
    schedule,
    rng: createRng({ seed: 1 }),
    optimizer,
    gradNormKey: "x/grad_norm",
    prepare: ({ old, ref }) => {
      assert.is(old.logprobs.length, batch.B * (batch.T - 1));
      assert.is(ref.logprobs.length, old.logprobs.length);
      return {
        minibatch: (rows, microSize) => (assert.equal([rows.length, microSize], [4, 2]), { scale: 0.5 }),
        loss: ({ rows, out }): MicroBatchLoss => {
          seenRows.push(rows);
          return { grads: { logprobs: new Float32Array(out.logprobs.length).fill(2) }, stats: { "x/one": 1 } };
        },
      };
    },
  });
  assert.equal([run.minibatches, run.optimizerSteps, run.skipped, run.stopped], [8, 4, 0, false]);
  assert.equal([run.sums["x/one"], Object.keys(run.sums)], [8, ["x/one", "x/grad_norm"]]);
  assert.is(calls.steps, 4);
  assert.ok(calls.backward.every((g) => g.logprobs.every((x) => x === 1) && !("values" in g)), "gradients scaled by 0.5, no values");
  for (const epoch of [seenRows.slice(0, 4), seenRows.slice(4)]) assert.equal(epoch.flat().sort(), [0, 1, 2, 3, 4, 5, 6, 7]);
});

test("policyStep() skips a minibatch (no backward after it, no step) or stops the optimisation when the loss says so", async () => {
  for (const halt of ["skip", "stop"] as const) {
    const { policy, reference, calls, batch } = await setUp();
    let losses = 0;
    const run = await policyStep({ policy, reference }, batch, {
      schedule,
      rng: createRng({ seed: 1 }),
      optimizer,
      gradNormKey: "x/grad_norm",
      prepare: () => ({
        minibatch: () => ({ scale: 1 }),
        // the first micro-batch of the second minibatch halts
        loss: ({ out }): MicroBatchLoss => ({
          grads: { logprobs: new Float32Array(out.logprobs.length) },
          stats: { "x/one": 1 },
          halt: ++losses === 3 ? halt : undefined,
        }),
      }),
    });
    if (halt === "skip") {
      assert.equal([run.minibatches, run.optimizerSteps, run.skipped, run.stopped, calls.steps, calls.backward.length], [7, 3, 1, false, 3, 6]);
    } else {
      assert.equal([run.minibatches, run.optimizerSteps, run.skipped, run.stopped, calls.steps, calls.backward.length], [3, 1, 0, true, 1, 2]);
    }
  }
});

test.run();
