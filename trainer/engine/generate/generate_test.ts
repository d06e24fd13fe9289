import { test } from "uvu";
import * as assert from "uvu/assert";
import { asciiTokenizer } from "../conformance/fixtures.ts";
import { createModel, type EngineModel } from "../model/model.ts";
import type { ModelConfig } from "../types.ts";
import { type Decoder, generate } from "./generate.ts";

const tokenizer = asciiTokenizer();
const base = { vocabSize: 97, maxSeqLen: 24, nLayer: 2, nHead: 4, nEmbd: 16, nInner: 24, normEps: 1e-5, ropeTheta: 10000 };
const configs: ModelConfig[] = [
  { ...base, family: "gpt2", nKvHead: 4, qkvBias: false, tieEmbeddings: true },
  { ...base, family: "llama", nKvHead: 2, qkvBias: false, tieEmbeddings: false },
  { ...base, family: "qwen3", nKvHead: 2, headDim: 6, qkvBias: false, tieEmbeddings: true },
];
const contexts = [tokenizer.encode("What is 7+5?"), tokenizer.encode("Hi"), tokenizer.encode("<call>x")];

/** Greedy continuation by repeated full forwards (no cache), with temperature-1 logprobs. */
async function greedyByFullForward(model: EngineModel, context: number[], n: number) {
  const seq = [...context], logprobs: number[] = [];
  const V = model.config.vocabSize;
  for (let i = 0; i < n && seq.length < model.config.maxSeqLen; i++) {
    const logits = await model.logits({ tokens: Int32Array.from(seq), B: 1, T: seq.length });
    const row = Array.from(logits.subarray((seq.length - 1) * V, seq.length * V));
    const max = Math.max(...row);
    const next = row.indexOf(max);
    logprobs.push(row[next] - max - Math.log(row.reduce((a, v) => a + Math.exp(v - max), 0)));
    seq.push(next);
  }
  return { tokens: seq.slice(context.length), logprobs };
}

for (const config of configs) {
  test(`${config.family}: greedy generation with the KV cache equals argmax of repeated full forwards`, async () => {
    const model = await createModel(config, { tokenizer, seed: 3 });
    const generated = await model.generate(contexts, { maxNewTokens: 9, temperature: 0, stopTokens: [] });
    for (let i = 0; i < contexts.length; i++) {
      const expected = await greedyByFullForward(model, contexts[i], 9);
      assert.equal(generated[i].tokens, expected.tokens);
      assert.ok(generated[i].logprobs!.every((lp, j) => Math.abs(lp - expected.logprobs[j]) < 1e-4));
      assert.is(generated[i].finishReason, "length");
    }
  });
}

test("forceTokens writes the given tokens with the model's logprobs of them; null rows sample; stops still apply", async () => {
  const model = await createModel(configs[1], { tokenizer, seed: 3 });
  const forced = tokenizer.encode("12<call>99");
  const out = await model.generate([contexts[0], contexts[1]], {
    maxNewTokens: 20, temperature: 0, stopTokens: [], stop: ["<call>"], forceTokens: [forced, null],
  });
  assert.equal(out[0].tokens, tokenizer.encode("12<call>"));
  assert.is(out[0].finishReason, "stop");
  // the logprobs are log p(forced token | context and the forced tokens before it), as a full forward gives them
  const seq = [...contexts[0], ...out[0].tokens];
  const { logprobs } = await model.forward({ tokens: Int32Array.from(seq), B: 1, T: seq.length });
  out[0].logprobs!.forEach((lp, j) => assert.ok(Math.abs(lp - logprobs[contexts[0].length - 1 + j]) < 1e-4));
  const [greedy] = await model.generate([contexts[1]], { maxNewTokens: 20, temperature: 0, stopTokens: [], stop: ["<call>"] });
  assert.equal(out[1], greedy);
  const bad = await model.generate([contexts[0]], { maxNewTokens: 3, forceTokens: [[1, 500]] }).then(() => "", (e: Error) => e.message);
  assert.match(bad, /forceTokens\[0\] holds token 500, outside the vocabulary \[0, 97\)/);
});

test("sampling is reproducible per seed and per row, whatever else is in the batch", async () => {
  const model = await createModel(configs[1], { tokenizer, seed: 3 });
  const options = { maxNewTokens: 10, temperature: 1.5, topK: 40, topP: 0.95, seed: 42, stopTokens: [] };
  const a = await model.generate(contexts, options);
  const b = await model.generate(contexts, options);
  const alone = await model.generate([contexts[0]], options);
  const other = await model.generate(contexts, { ...options, seed: 43 });
  assert.equal(a, b);
  assert.equal(alone[0], a[0]);
  assert.not.equal(other.map((g) => g.tokens), a.map((g) => g.tokens));
  const greedy = await model.generate(contexts, { maxNewTokens: 10, temperature: 0, stopTokens: [] });
  const topOne = await model.generate(contexts, { ...options, topK: 1 });
  assert.equal(topOne.map((g) => g.tokens), greedy.map((g) => g.tokens));
});

test("per-context seeds: a context samples the same tokens at any position in any batch", async () => {
  const model = await createModel(configs[1], { tokenizer, seed: 3 });
  const options = { maxNewTokens: 10, temperature: 1.5, stopTokens: [] };
  const seeds = [11, 22, 33];
  const batch = await model.generate(contexts, { ...options, seeds });
  const reversed = await model.generate([...contexts].reverse(), { ...options, seeds: [...seeds].reverse() });
  const alone = await model.generate([contexts[1]], { ...options, seeds: [22] });
  assert.equal(reversed.reverse(), batch);
  assert.equal(alone[0], batch[1]);
  const reseeded = await model.generate(contexts, { ...options, seeds: [11, 23, 33] });
  assert.equal(reseeded[0], batch[0]);
  assert.not.equal(reseeded[1].tokens, batch[1].tokens);
  const error = await model.generate(contexts, { ...options, seeds: [1, 2] }).catch((e: Error) => e);
  assert.match(String(error), /seeds\[2\] must be an integer/);
});

test("a sequence stops right after a stop string or a stop token, and per-context budgets hold", async () => {
  const model = await createModel(configs[0], { tokenizer, seed: 5 });
  const [free] = await model.generate([contexts[0]], { maxNewTokens: 8, temperature: 0, stopTokens: [] });
  const text = tokenizer.decode(free.tokens);
  const stop = text.slice(3, 5);
  const end = text.indexOf(stop) + stop.length;
  const [stopped] = await model.generate([contexts[0]], { maxNewTokens: 8, temperature: 0, stop: [stop], stopTokens: [] });
  assert.is(stopped.finishReason, "stop");
  assert.is(tokenizer.decode(stopped.tokens), text.slice(0, end));
  const [eos] = await model.generate([contexts[0]], { maxNewTokens: 8, temperature: 0, stopTokens: [free.tokens[2]] });
  assert.is(eos.finishReason, "eos");
  assert.equal(eos.tokens, free.tokens.slice(0, free.tokens.indexOf(free.tokens[2]) + 1));
  const budgets = await model.generate([contexts[0], contexts[1]], { maxNewTokens: [2, 5], temperature: 0, stopTokens: [] });
  assert.equal(budgets.map((g) => g.tokens.length), [2, 5]);
  await model.generate([[500]], { maxNewTokens: 2 }).then(
    () => assert.unreachable("a token outside the vocabulary must be refused"),
    (error: Error) => assert.match(error.message, /token 500, outside the vocabulary \[0, 97\)/),
  );
  const [capped] = await model.generate([contexts[0]], { maxNewTokens: 50, temperature: 0, stopTokens: [] });
  assert.is(capped.tokens.length, 24 - contexts[0].length);
  assert.is(capped.finishReason, "length");
});

test("finished rows leave the decode batch", async () => {
  const V = tokenizer.vocabSize;
  const batchSizes: number[] = [];
  // a decoder whose argmax for cache row r is always token 10 + r
  const rowsOf: Int32Array[] = [];
  const logitsFor = (rows: ArrayLike<number>, B: number) => {
    const out = new Float32Array(B * V);
    for (let i = 0; i < B; i++) out[i * V + 10 + rows[i]] = 5;
    return out;
  };
  const decoder: Decoder = {
    vocabSize: V,
    maxSeqLen: 100,
    prefill: (ctx) => Promise.resolve({ logits: logitsFor(ctx.map((_, i) => i), ctx.length) }),
    decode: (rows, _tokens, _positions, B) => {
      batchSizes.push(B);
      rowsOf.push(rows.slice(0, B));
      return Promise.resolve(logitsFor(rows, B));
    },
  };
  const out = await generate({ decoder, tokenizer }, [[1], [2], [3]], { maxNewTokens: [1, 3, 5], temperature: 0 });
  assert.equal(out.map((g) => g.tokens.length), [1, 3, 5]);
  assert.equal(batchSizes, [2, 2, 1, 1]);
  assert.equal(Array.from(rowsOf[2]), [2]);
});

test.run();
