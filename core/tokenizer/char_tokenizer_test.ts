import { test } from "uvu";
import * as assert from "uvu/assert";
import { CHAR_EOS, CHAR_PAD, charTokenizer, charTokenizerFromJSON, DEFAULT_SPECIALS } from "./char_tokenizer.ts";
import { parsers } from "../formats/mod.ts";

test("charTokenizer() round-trips any valid text byte by byte", () => {
  const tok = charTokenizer();
  for (const text of ["", "hello", "é漢字😀\n\t\u0000", "a<b>c", "<request<call", "Action Input:{}"]) {
    assert.is(tok.decode(tok.encode(text)), text);
  }
  assert.equal(tok.encode("é"), [0xc3, 0xa9]);
});

test("charTokenizer() gives every parser tag one id, after bytes, <pad> and CHAR_EOS", () => {
  const tok = charTokenizer();
  assert.equal([tok.padId, tok.eosId, tok.bosId], [256, 257, null]);
  assert.equal([tok.specialTokens[CHAR_PAD], tok.specialTokens[CHAR_EOS]], [256, 257]);
  const tags = Object.values(parsers).flatMap((p) => p.specialTokens);
  assert.equal([...DEFAULT_SPECIALS], tags);
  tags.forEach((tag, k) => assert.equal(tok.encode(tag), [258 + k], tag));
  assert.is(tok.vocabSize, 258 + tags.length);
});

test("charTokenizer() matches the longest special string first", () => {
  const tok = charTokenizer({ specials: ["<a>", "<a><b>", "Action:", "Action Input:"] });
  assert.equal(tok.encode("<a><b><a>"), [259, 258]);
  assert.equal(tok.encode("Action Input:x"), [261, "x".charCodeAt(0)]);
});

test("charTokenizer() decodes ids from a model, including broken UTF-8, and rejects ids outside the vocabulary", () => {
  const tok = charTokenizer();
  assert.is(tok.decode([104, 105, tok.eosId]), "hi<|endoftext|>");
  assert.is(tok.decode([0xc3]), "\ufffd");
  assert.is(tok.decode(new Int32Array([72, 259])), "H<call>");
  assert.throws(() => tok.decode([tok.vocabSize]), /outside this tokenizer's vocabulary/);
  assert.throws(() => tok.decode([1.5]), /1.5/);
});

test("charTokenizer() custom specials replace the parser tags but keep <pad> and CHAR_EOS", () => {
  const tok = charTokenizer({ specials: ["<x>", "<x>", CHAR_EOS] });
  assert.equal(Object.keys(tok.specialTokens), [CHAR_PAD, CHAR_EOS, "<x>"]);
  assert.equal(tok.encode("<call>").length, 6);
  assert.throws(() => charTokenizer({ specials: [""] }), /empty string/);
});

test("charTokenizerFromJSON() restores the same ids", () => {
  const tok = charTokenizer({ specials: ["<q>", "<r>"] });
  const again = charTokenizerFromJSON(JSON.parse(JSON.stringify(tok)));
  assert.equal(again.specialTokens, tok.specialTokens);
  assert.equal(again.encode("<r>x<q>"), tok.encode("<r>x<q>"));
  assert.throws(() => charTokenizerFromJSON({ type: "bpe" }), /not a saved char tokenizer/);
});

test.run();
