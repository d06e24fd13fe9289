import { test } from "uvu";
import * as assert from "uvu/assert";
import { formatHits, fromContents } from "./format.ts";
import { createSearchIndex, toContents } from "./search_index.ts";

const corpus = [
  { id: "a", title: "Velmora", text: "Velmora is a town on the river Osk." },
  { id: "b", title: "Dranholm", text: "Dranholm is a town on the river Tir." },
  { id: "c", title: "Osk", text: "The Osk is a river." },
];
const index = createSearchIndex(corpus);

test("search() finds documents by title or text, one list per query", () => {
  const hits = index.search(["Velmora", "river Tir"], 2);
  // "river" is in every document; the shortest one ("c") ranks next after the only one with "Tir".
  assert.equal(hits.map((list) => list.map((hit) => hit.document.id)), [["a"], ["b", "c"]]);
});

test("retrieve() answers Search-R1's request in its response shape, with and without scores", () => {
  const scored = index.retrieve({ queries: ["Osk"], topk: 2, return_scores: true });
  const [first, second] = scored.result[0] as Array<{ document: { id: string; contents: string }; score: number }>;
  assert.equal(first.document, { id: "c", contents: "\"Osk\"\nThe Osk is a river." });
  assert.equal(second.document.id, "a");
  assert.ok(first.score > second.score && second.score > 0);
  const plain = index.retrieve({ queries: ["Osk", "Dranholm"], topk: 1 });
  assert.equal(plain.result, [[{ id: "c", contents: "\"Osk\"\nThe Osk is a river." }], [toContents(corpus[1])]]);
  assert.is(index.retrieve({ queries: ["town"] }).result[0].length, 2); // topk defaults to 3; "c" has no "town"
  assert.throws(() => index.retrieve({ queries: "Osk" as unknown as string[] }), /queries must be a list of strings/);
});

test("createSearchIndex() names the malformed document", () => {
  assert.throws(() => createSearchIndex([{ id: 1, title: "x", text: "y" } as never]), /document 0 is \{"id":1/);
});

test("formatHits() follows Doc {i} (Title: {title})\\n{text}, and fromContents() undoes Search-R1's contents", () => {
  assert.is(
    formatHits([{ title: "A", text: "one" }, { title: "B", text: "two" }]),
    "Doc 1 (Title: A)\none\nDoc 2 (Title: B)\ntwo",
  );
  assert.equal(fromContents(toContents(corpus[0]).contents), { title: "Velmora", text: corpus[0].text });
  assert.equal(fromContents("Plain title\nline 1\nline 2"), { title: "Plain title", text: "line 1\nline 2" });
  assert.equal(fromContents("Only a title"), { title: "Only a title", text: "" });
});

test.run();
