import { test } from "uvu";
import * as assert from "uvu/assert";
import { asciiTokenizer } from "../conformance/fixtures.ts";
import { createStepBatcher, type StepDecoder, type StepItem } from "./step_batcher.ts";

const tokenizer = asciiTokenizer();
const V = tokenizer.vocabSize;

/** A decoder whose argmax for cache row r is always token 10 + r; it records every step and release. */
function scriptedDecoder() {
  const steps: StepItem[][] = [];
  const released: { row: number; sequence: number[] | null }[] = [];
  let nextRow = 0;
  const decoder: StepDecoder = {
    vocabSize: V,
    maxSeqLen: 100,
    admit: (contexts) =>
      Promise.resolve({
        rows: Int32Array.from(contexts, () => nextRow++),
        starts: contexts.map(() => 0),
        follows: contexts.map(() => null),
      }),
    step: (items) => {
      steps.push(items.map((item) => ({ ...item, tokens: [...item.tokens] })));
      const out = new Float32Array(items.length * V);
      items.forEach((item, j) => (out[j * V + 10 + item.row] = 5));
      return Promise.resolve(out);
    },
    release: (row, sequence) => void released.push({ row, sequence: sequence && [...sequence] }),
  };
  return { decoder, steps, released };
}

/** One macrotask (the batcher yields one between steps; a timer may let dozens of steps run). */
const tick = () =>
  new Promise<void>((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => (channel.port1.close(), resolve());
    channel.port2.postMessage(null);
  });
const greedy = (n: number | number[]) => ({ maxNewTokens: n, temperature: 0, stopTokens: [] });
const run = (loop: () => Promise<void>) => loop();

test("calls made together share their first step, and each returns when its own rows finish", async () => {
  const { decoder, steps, released } = scriptedDecoder();
  const batcher = createStepBatcher({ decoder, tokenizer }, run);
  const order: string[] = [];
  const long = batcher.generate([[1, 2]], greedy(5)).then((g) => (order.push("long"), g));
  const short = batcher.generate([[3], [4]], greedy([2, 1])).then((g) => (order.push("short"), g));
  const [a, b] = await Promise.all([long, short]);
  assert.equal(order, ["short", "long"]);
  assert.equal(a[0].tokens, [10, 10, 10, 10, 10]);
  assert.equal(b.map((g) => g.tokens), [[11, 11], [12]]);
  // step 1 prefills all three contexts; rows leave as they finish
  assert.equal(steps.map((s) => s.length), [3, 2, 1, 1, 1]);
  assert.equal(steps[0].map((s) => s.tokens), [[1, 2], [3], [4]]);
  assert.equal(steps[1][0], { row: 0, tokens: [1, 2, 10], start: 2, follow: null });
  // a finished row is released with every token it fed: its context and its tokens but the last
  assert.equal(released.find((r) => r.row === 1), { row: 1, sequence: [3, 11] });
  assert.equal(released.find((r) => r.row === 0), { row: 0, sequence: [1, 2, 10, 10, 10, 10] });
});

test("a call made while others decode joins the running batch at the next step", async () => {
  const { decoder, steps } = scriptedDecoder();
  const batcher = createStepBatcher({ decoder, tokenizer }, run);
  const first = batcher.generate([[1]], greedy(6));
  while (steps.length < 2) await tick();
  const later = await batcher.generate([[7, 8, 9]], greedy(2));
  assert.equal(later[0].tokens, [11, 11]);
  await first;
  const joined = steps.findIndex((s) => s.length === 2);
  assert.ok(joined >= 2, `joined at step ${joined}`);
  assert.equal(steps[joined][1], { row: 1, tokens: [7, 8, 9], start: 0, follow: null });
  assert.is(steps.length, 6); // the second call's two steps ran inside the first one's six
});

test("an aborted call rejects and gives its rows back unkept; the other calls go on", async () => {
  const { decoder, released } = scriptedDecoder();
  const batcher = createStepBatcher({ decoder, tokenizer }, run);
  const controller = new AbortController();
  const doomed = batcher.generate([[1], [2]], { ...greedy(50), signal: controller.signal }).then(() => "", (e) => String(e));
  const kept = batcher.generate([[3]], greedy(4));
  await tick();
  await tick();
  controller.abort(new Error("stop now"));
  assert.match(await doomed, /stop now/);
  assert.equal((await kept)[0].tokens, [12, 12, 12, 12]);
  assert.equal(released.filter((r) => r.sequence === null).map((r) => r.row).sort(), [0, 1]);
});

test("bad input rejects its own call only; a decoder failure rejects the calls it hit", async () => {
  const { decoder } = scriptedDecoder();
  const batcher = createStepBatcher({ decoder, tokenizer }, run);
  const bad = batcher.generate([[500]], greedy(2)).then(() => "", (e: Error) => e.message);
  const good = batcher.generate([[1]], greedy(2));
  assert.match(await bad, /context 0 holds token 500, outside the vocabulary/);
  assert.equal((await good)[0].tokens, [10, 10]);
  assert.equal(await batcher.generate([[1]], greedy(0)), [{ tokens: [], logprobs: [], finishReason: "length" }]);
  decoder.step = () => Promise.reject(new Error("device lost"));
  const failed = await batcher.generate([[1]], greedy(2)).then(() => "", (e: Error) => e.message);
  assert.is(failed, "device lost");
  // a throw where none is expected (here: the decoder's release) still settles every call, and the batcher goes on
  const { decoder: flaky } = scriptedDecoder();
  flaky.release = () => {
    throw new Error("release broke");
  };
  const other = createStepBatcher({ decoder: flaky, tokenizer }, run);
  const both = await Promise.all([other.generate([[1]], greedy(1)), other.generate([[2]], greedy(3))].map((p) =>
    p.then(() => "", (e: Error) => e.message)
  ));
  assert.equal(both, ["release broke", "release broke"]);
  flaky.release = () => {};
  assert.equal((await other.generate([[1]], greedy(1)))[0].tokens, [10 + 2]);
});

test.run();
