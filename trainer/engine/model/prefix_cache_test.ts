import { test } from "uvu";
import * as assert from "uvu/assert";
import { createCpuBackend } from "../cpu/cpu_backend.ts";
import { asciiTokenizer } from "../conformance/fixtures.ts";
import { checkPrefixCache, PREFIX_CHECK_CONFIGS } from "../conformance/prefix_cache_check.ts";
import type { Generation } from "../../../core/types.ts";
import { createPrng } from "../../../core/random/sfc32.ts";
import { createModel, type EngineModel } from "./model.ts";
import type { PrefixCacheOptions } from "./engine_decoder.ts";

const tokenizer = asciiTokenizer();
const enc = (s: string) => tokenizer.encode(s);
const config = PREFIX_CHECK_CONFIGS[1];
const greedy = { maxNewTokens: 4, temperature: 0, stopTokens: [] };
const model = (prefixCache?: PrefixCacheOptions) => createModel(config, { tokenizer, seed: 9, prefixCache });

function assertSame(actual: Generation[], expected: Generation[]) {
  assert.equal(actual.map((g) => g.tokens), expected.map((g) => g.tokens));
  actual.forEach((g, i) => g.logprobs!.forEach((lp, j) => assert.ok(Math.abs(lp - expected[i].logprobs![j]) < 1e-4, `${lp}`)));
}

/** One optimizer step that raises the logprobs of a fixed batch. */
async function trainStep(m: EngineModel) {
  const tokens = Int32Array.from(enc("The tool says 84. Answer: 84"));
  const out = await m.forward({ tokens, B: 1, T: tokens.length }, { grad: true });
  m.zeroGrad();
  await m.backward({ logprobs: new Float32Array(out.logprobs.length).fill(-1) });
  await m.step({ lr: 0.05, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0, maxGradNorm: 0 });
}

test("the cpu backend generates the same tokens with the prefix cache as without it, over three turns", async () => {
  const report = await checkPrefixCache(createCpuBackend());
  if (!report.ok) console.log(report.text);
  assert.ok(report.ok);
  assert.ok(report.hits > 0 && report.hitRate > 0.5, `hit rate ${report.hitRate}`);
});

test("a group of contexts sharing a prompt prefills the prompt once", async () => {
  const m = await model();
  const prompt = enc("A long shared prompt of a GRPO group, then the question.");
  await m.generate([prompt, prompt, prompt, prompt, enc("other")], greedy);
  const stats = m.prefixCache.stats();
  // the first prefills the prompt; the other three copy all of it but the last token (its logits are needed)
  assert.is(stats.prefilledTokens, prompt.length + 3 + 5);
  assert.is(stats.reusedTokens, 3 * (prompt.length - 1));
  assert.is(stats.hits, 3);
  assert.is(stats.misses, 2);
  m.dispose();
});

test("the next turn prefills only past what the last call computed", async () => {
  const m = await model();
  const first = enc("Q: 12*7? <call>");
  const [g] = await m.generate([first], greedy);
  const before = m.prefixCache.stats();
  const next = [...first, ...g.tokens, ...enc("84<response>")];
  await m.generate([next], greedy);
  const after = m.prefixCache.stats();
  // the last generated token was never fed, so its key and value are not cached
  assert.is(after.reusedTokens - before.reusedTokens, first.length + g.tokens.length - 1);
  assert.is(after.prefilledTokens - before.prefilledTokens, 1 + enc("84<response>").length);
  assert.is(after.entries, 1);
  assert.ok(after.bytes > 0 && after.allocatedBytes >= after.bytes);
  m.dispose();
});

test("a training step drops the cache: the next turn matches a model that never cached", async () => {
  const cached = await model();
  const plain = await model({ budgetBytes: 0 });
  const first = enc("Q: 12*7? <call>");
  assertSame(await cached.generate([first], greedy), await plain.generate([first], greedy));
  const [g] = await plain.generate([first], greedy);
  await trainStep(cached);
  await trainStep(plain);
  const next = [...first, ...g.tokens, ...enc("84<response>")];
  const expected = await plain.generate([next], greedy);
  const reusedBefore = cached.prefixCache.stats().reusedTokens;
  assertSame(await cached.generate([next], greedy), expected);
  assert.is(cached.prefixCache.stats().reusedTokens, reusedBefore);
  assert.ok(cached.prefixCache.stats().invalidations >= 1);
  cached.dispose();
  plain.dispose();
});

test("loading weights drops the cache: the model then matches the one it loaded from", async () => {
  const cached = await model();
  const plain = await model({ budgetBytes: 0 });
  const first = enc("Q: 12*7? <call>");
  const [g] = await cached.generate([first], greedy);
  await trainStep(plain);
  // cached keeps its old weights and cache; loading plain's new weights must drop the cache
  await cached.loadStateDict(await plain.stateDict());
  const next = [...first, ...g.tokens, ...enc("84<response>")];
  assertSame(await cached.generate([next], greedy), await plain.generate([next], greedy));
  assert.is(cached.prefixCache.stats().hits, 0);
  cached.dispose();
  plain.dispose();
});

test("the byte budget bounds the rows kept, least recently used first, and evicted prefixes are prefilled again", async () => {
  const probe = await model();
  await probe.generate([enc("x")], greedy);
  const rowBytes = probe.prefixCache.stats().bytes;
  probe.dispose();
  const m = await model({ budgetBytes: 2 * rowBytes });
  const a = enc("first context"), b = enc("second one"), c = enc("third, last");
  await m.generate([a, b], greedy);
  await m.generate([b], greedy); // b is used again, so a is now the least recently used
  await m.generate([c], greedy);
  let stats = m.prefixCache.stats();
  assert.is(stats.entries, 2);
  assert.is(stats.bytes, 2 * rowBytes);
  assert.is(stats.evictions, 1);
  const before = stats.reusedTokens;
  await m.generate([c, b, a], greedy);
  stats = m.prefixCache.stats();
  // c and b reuse all but their last token; a was evicted and is prefilled in full
  assert.is(stats.reusedTokens - before, c.length - 1 + b.length - 1);
  m.dispose();
});

test("random batches of shared, extended and repeated contexts under a tight budget match uncached generation", async () => {
  const rng = createPrng(21);
  const probe = await model();
  await probe.generate([enc("x")], greedy);
  const rowBytes = probe.prefixCache.stats().bytes;
  probe.dispose();
  const cached = await model({ budgetBytes: 3 * rowBytes, chunkTokens: 6, minShared: 2 });
  const plain = await model({ budgetBytes: 0 });
  const seen: number[][] = [enc("A shared prompt, then: ")];
  for (let round = 0; round < 8; round++) {
    const contexts = Array.from({ length: 1 + rng.int(5) }, () => {
      const base = seen[rng.int(seen.length)];
      const cut = base.slice(0, 1 + rng.int(base.length));
      return [...cut, ...enc(["q", "rs", "tuv", ""][rng.int(4)])].slice(0, 40);
    });
    const options = { ...greedy, maxNewTokens: 1 + rng.int(4) };
    const expected = await plain.generate(contexts, options);
    assertSame(await cached.generate(contexts, options), expected);
    contexts.forEach((c, b) => seen.push([...c, ...expected[b].tokens]));
  }
  const stats = cached.prefixCache.stats();
  assert.ok(stats.hits > 5 && stats.evictions > 0 && stats.entries <= 3, JSON.stringify(stats));
  cached.dispose();
  plain.dispose();
});

test("prefixCache options are checked, and budget 0 turns the cache off", async () => {
  const failure = (options: PrefixCacheOptions) => model(options).then(() => "", (error: Error) => error.message);
  assert.match(await failure({ budgetBytes: -1 }), /budgetBytes must be a number of bytes >= 0, got -1/);
  assert.match(await failure({ chunkTokens: 0 }), /chunkTokens must be a whole number >= 1, got 0/);
  const off = await model({ budgetBytes: 0 });
  await off.generate([enc("abc"), enc("abc")], greedy);
  await off.generate([enc("abcd")], greedy);
  assert.is(off.prefixCache.stats().lookups, 0);
  assert.is(off.prefixCache.stats().entries, 0);
  // switched on between calls it caches; switched off again it drops what it held and matches a model without it
  const plain = await model({ budgetBytes: 0 });
  await off.prefixCache.setBudget(1 << 20);
  const [g] = await off.generate([enc("abcde")], greedy);
  const next = [...enc("abcde"), ...g.tokens, ...enc("fg")];
  assertSame(await off.generate([next], greedy), await plain.generate([next], greedy));
  assert.ok(off.prefixCache.stats().hits === 1 && off.prefixCache.stats().entries === 1);
  await off.prefixCache.setBudget(0);
  assert.is(off.prefixCache.stats().entries, 0);
  assertSame(await off.generate([next], greedy), await plain.generate([next], greedy));
  assert.is(off.prefixCache.stats().lookups, 2);
  assert.match(await off.prefixCache.setBudget(-5).then(() => "", (e: Error) => e.message), /got -5/);
  off.dispose();
  plain.dispose();
});

test.run();
