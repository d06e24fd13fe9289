import { test } from "uvu";
import * as assert from "uvu/assert";
import { createBm25, tokenize } from "./bm25.ts";

// Three documents, N = 3, lengths 2, 3, 3, avgdl = 8/3; k1 = 0.9, b = 0.4.
//   idf(df=2) = ln(1 + 1.5/2.5) = ln 1.6   = 0.470004
//   idf(df=1) = ln(1 + 2.5/1.5) = ln 2.667 = 0.980829
//   norm(dl=2) = 0.9 · (0.6 + 0.4 · 2/(8/3)) = 0.81;  norm(dl=3) = 0.9 · (0.6 + 0.45) = 0.945
const docs = ["cat sat", "dog sat mat", "cat cat dog"];
const index = createBm25(docs);
const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-6, `${actual} != ${expected}`);

test("bm25 scores one term as computed by hand, more occurrences outranking a shorter document", () => {
  const hits = index.search("cat", 5);
  assert.equal(hits.map((h) => h.index), [2, 0]);
  close(hits[0].score, 0.470004 * (2 * 1.9) / (2 + 0.945)); // 0.606456
  close(hits[1].score, 0.470004 * 1.9 / (1 + 0.81)); // 0.493374
});

test("bm25 sums terms, weighting a rare term more", () => {
  const hits = index.search("Dog? MAT!", 5);
  assert.equal(hits.map((h) => h.index), [1, 2]);
  close(hits[0].score, 0.470004 * 1.9 / 1.945 + 0.980829 * 1.9 / 1.945); // 1.417266
  close(hits[1].score, 0.470004 * 1.9 / 1.945); // 0.459129
});

test("bm25 counts a repeated query term once, keeps corpus order on ties and honours topk", () => {
  assert.equal(index.search("cat cat", 5), index.search("cat", 5));
  assert.equal(index.search("sat", 5).map((h) => h.index), [0, 1]);
  assert.equal(index.search("cat", 1).length, 1);
  assert.equal(index.search("zebra", 5), []);
  assert.equal(createBm25([]).search("cat", 3), []);
});

test("bm25 takes k1 and b, and refuses values outside their ranges", () => {
  const flat = createBm25(docs, { k1: 1.2, b: 0 });
  close(flat.search("mat", 1)[0].score, 0.980829 * 2.2 / (1 + 1.2));
  assert.throws(() => createBm25(docs, { b: 2 }), /b 2 within \[0, 1\]/);
});

test("tokenize() lower-cases runs of letters and digits, across scripts", () => {
  assert.equal(tokenize("Who founded Velmora in 1432?"), ["who", "founded", "velmora", "in", "1432"]);
  assert.equal(tokenize("Zürich—Ōsaka"), ["zürich", "ōsaka"]);
});

test.run();
