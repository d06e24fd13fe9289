import { test } from "uvu";
import * as assert from "uvu/assert";
import { commonPrefix, createPrefixIndex } from "./prefix_index.ts";

const seq = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

test("commonPrefix() counts equal leading tokens", () => {
  assert.is(commonPrefix([1, 2, 3], [1, 2, 4, 5]), 2);
  assert.is(commonPrefix([1, 2], [1, 2, 3]), 2);
  assert.is(commonPrefix([], [1]), 0);
});

test("plan() gives each new context its own row and nothing to reuse on an empty index", () => {
  const index = createPrefixIndex();
  const plan = index.plan([seq(5), seq(3, 10)]);
  assert.equal(Array.from(plan.rows), [0, 1]);
  assert.equal(plan.starts, [0, 0]);
  assert.is(plan.capacity, 2);
  assert.equal(index.counts.misses, 2);
  assert.equal(index.counts.prefilledTokens, 8);
});

test("a context that extends a retained sequence takes its row over and starts after it", () => {
  const index = createPrefixIndex();
  const first = index.plan([seq(5), seq(4, 50)]);
  index.retain(first.rows, [seq(7), seq(4, 50)], 10);
  const plan = index.plan([[...seq(4, 50), 9, 9], [...seq(7), 1]]);
  assert.equal(Array.from(plan.rows), [1, 0]);
  assert.equal(plan.starts, [4, 7]);
  assert.equal(plan.copies, []);
  assert.is(index.size, 0); // both rows are being rewritten
  assert.is(index.counts.reusedTokens, 11);
});

test("a context equal to a retained sequence still prefills its last token", () => {
  const index = createPrefixIndex();
  index.retain(index.plan([seq(6)]).rows, [seq(6)], 10);
  assert.equal(index.plan([seq(6)]).starts, [5]);
});

test("two contexts extending the same entry: the first takes the row, the second copies the prefix to a free row", () => {
  const index = createPrefixIndex({ minShared: 100 });
  index.retain(index.plan([seq(8)]).rows, [seq(8)], 10);
  const plan = index.plan([[...seq(8), 1], [...seq(6), 2]]);
  assert.equal(Array.from(plan.rows), [0, 1]);
  assert.equal(plan.starts, [8, 6]);
  assert.equal(plan.copies, [{ from: 0, to: 1, length: 6 }]);
  assert.is(plan.capacity, 2);
});

test("contexts of one call sharing a prompt follow the first: it prefills, they copy", () => {
  const index = createPrefixIndex({ minShared: 4 });
  const prompt = seq(20);
  const plan = index.plan([prompt, prompt, [...prompt, 7, 8], seq(3, 90), seq(5)]);
  assert.equal(plan.leaders, [0, 3]);
  assert.equal(plan.followers, [
    { index: 1, leader: 0, length: 19 },
    { index: 2, leader: 0, length: 20 },
    { index: 4, leader: 0, length: 4 },
  ]);
  assert.equal(plan.starts, [0, 19, 20, 0, 4]);
  assert.is(new Set(plan.rows).size, 5);
  assert.is(index.counts.hits, 3);
});

test("a shared prefix shorter than minShared is not worth a second pass", () => {
  const index = createPrefixIndex({ minShared: 16 });
  const plan = index.plan([seq(10), seq(10)]);
  assert.equal(plan.followers, []);
  assert.equal(plan.leaders, [0, 1]);
});

test("retain() keeps at most maxRows entries, dropping the least recently used, and plan() reuses their rows", () => {
  const index = createPrefixIndex();
  const a = seq(4, 0), b = seq(4, 10), c = seq(4, 20);
  index.retain(index.plan([a, b]).rows, [a, b], 2);
  index.retain(index.plan([[...b, 1]]).rows, [[...b, 1]], 2); // b is used again
  const plan = index.plan([c]);
  assert.equal(Array.from(plan.rows), [0]); // a's row, evicted
  assert.is(index.counts.evictions, 1);
  index.retain(plan.rows, [c], 1);
  assert.is(index.size, 1);
  assert.is(index.counts.evictions, 2);
  assert.equal(index.plan([[...c, 5]]).starts, [4]); // c, the most recent, stayed
});

test("rows used as copy sources are never evicted to make room in the same call", () => {
  const index = createPrefixIndex({ minShared: 100 });
  const a = seq(6);
  index.retain(index.plan([a]).rows, [a], 1);
  const plan = index.plan([[...a, 1], [...seq(5), 2], seq(3, 40)]);
  // row 0 is taken over by the first and copied from for the second; the third needs a new row
  assert.equal(plan.copies, [{ from: 0, to: 1, length: 5 }]);
  assert.equal(Array.from(plan.rows), [0, 1, 2]);
  assert.is(plan.capacity, 3);
});

test("rows of a running plan are leased: a later plan never gets them, retain() or release() gives them back", () => {
  const index = createPrefixIndex();
  const a = seq(5), b = seq(5, 10);
  const first = index.plan([a, b]); // rows 0 and 1, still being decoded
  index.retain(first.rows.subarray(1), [b], 10); // b finishes: row 1 becomes an entry
  assert.is(index.leased, 1);
  const second = index.plan([seq(4, 30), seq(4, 40)]);
  // row 0 is a's, still running; row 1 is b's entry, evicted for room (the only row not in use); row 2 is new
  assert.equal(Array.from(second.rows), [1, 2]);
  assert.is(index.leased, 3);
  index.release([0]); // a abandoned: nothing kept
  index.retain(second.rows, [seq(4, 30), seq(4, 40)], 10);
  assert.is(index.leased, 0);
  assert.equal(Array.from(index.plan([seq(3, 50)]).rows), [0]);
  // clear() keeps leases: a sequence still running keeps its row
  index.clear();
  assert.equal(Array.from(index.plan([seq(3, 60)]).rows), [1]);
});

test("clear() forgets every entry", () => {
  const index = createPrefixIndex();
  index.retain(index.plan([seq(5)]).rows, [seq(5)], 4);
  index.clear();
  assert.is(index.size, 0);
  assert.equal(index.plan([seq(5)]).starts, [0]);
});

test.run();
