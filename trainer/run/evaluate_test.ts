import { test } from "uvu";
import * as assert from "uvu/assert";
import { appendSegment, createEpisode } from "../../core/episode/episode.ts";
import { bigramModel, fixtureTokenizer } from "../common/testing/bigram_model.ts";
import { toolOutputLogprob } from "./evaluate.ts";

const tokenizer = fixtureTokenizer("qxyzab");

test("toolOutputLogprob() averages the model's logprobs over tool-output tokens only", async () => {
  const model = bigramModel(tokenizer, { seed: 4 });
  const episode = createEpisode({ id: "0", prompt: "q", tokenizer });
  appendSegment(episode, "model", "ab");
  appendSegment(episode, "tool", "zy");
  appendSegment(episode, "model", "x");
  const tokens = episode.tokens();
  const out = await model.forward({ tokens: Int32Array.from(tokens), B: 1, T: tokens.length });
  // tokens: q a b z y x; the tool tokens z, y sit at 3 and 4, predicted at positions 2 and 3
  const expected = (out.logprobs[2] + out.logprobs[3]) / 2;
  assert.ok(Math.abs((await toolOutputLogprob(model, [episode, episode], { chunk: 1 })) - expected) < 1e-6);
  const noTools = createEpisode({ id: "1", prompt: "q", tokenizer });
  appendSegment(noTools, "model", "x");
  assert.ok(Number.isNaN(await toolOutputLogprob(model, [noTools])));
});

test.run();
