import { test } from "uvu";
import * as assert from "uvu/assert";
import { runSft, sftLoss } from "./sft.ts";
import { parseSftConfig } from "./config.ts";
import { bigramModel, fixtureTokenizer } from "../common/testing/bigram_model.ts";
import { createRng } from "../../core/random/xoshiro128.ts";

test("sftLoss() averages -logp over model tokens only and puts -1/n gradients there", () => {
  const logprobs = new Float32Array([-1, -3, -0.5, -7]);
  const mask = new Float32Array([1, 0, 1, 0]);
  const { loss, tokens, grads } = sftLoss(logprobs, mask);
  assert.is(tokens, 2);
  assert.ok(Math.abs(loss - 0.75) < 1e-6, String(loss));
  assert.equal(Array.from(grads.logprobs), [-0.5, 0, -0.5, 0]);
});

test("sftLoss() of an empty mask is zero with zero gradients", () => {
  const { loss, grads } = sftLoss(new Float32Array([-2, -2]), new Float32Array([0, 0]));
  assert.is(loss, 0);
  assert.equal(Array.from(grads.logprobs), [0, 0]);
});

test("runSft() lets timers and signal handlers run between steps (Ctrl-C during SFT is heard at once)", async () => {
  const tokenizer = fixtureTokenizer("qxyz");
  const model = bigramModel(tokenizer, { seed: 1 });
  const prompt = tokenizer.encode("q");
  const demonstrations = [{ segments: [{ role: "prompt" as const, tokens: prompt }, { role: "model" as const, tokens: tokenizer.encode("xy") }] }];
  let step = 0;
  let heardAt = -1;
  setTimeout(() => void (heardAt = step), 0);
  await runSft(model, demonstrations, {
    config: parseSftConfig({ steps: 5, batchSize: 1, demonstrations: 1, warmupSteps: 0 }),
    rng: createRng({ seed: 1 }),
    onStep: (p) => void (step = p.step),
  });
  // the timer (as a SIGINT handler would) ran during the warm-up, not after its fifth and last step
  assert.ok(heardAt >= 0 && heardAt < 5, `timer ran at step ${heardAt}`);
});

test.run();
