import { test } from "uvu";
import * as assert from "uvu/assert";
import { normalizeSquad, normalizeTriviaQa } from "./normalize.ts";

test("normalizeSquad() lower-cases, deletes punctuation and articles, collapses spaces", () => {
  assert.is(normalizeSquad("  The Eiffel-Tower!  "), "eiffeltower");
  assert.is(normalizeSquad("An  apple, a DAY"), "apple day");
  assert.is(normalizeSquad("Theatre"), "theatre");
});

test("normalizeTriviaQa() turns punctuation and underscores into spaces", () => {
  assert.is(normalizeTriviaQa("The Eiffel_Tower's top"), "eiffel tower s top");
  assert.is(normalizeTriviaQa("Rock-and-roll"), "rock and roll");
  assert.is(normalizeTriviaQa("ＡＢＣ"), "abc");
});

test.run();
