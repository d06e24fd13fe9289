import { test } from "uvu";
import * as assert from "uvu/assert";
import { idsOnlyTokenizer } from "./ids_only.ts";

test("idsOnlyTokenizer() knows the vocabulary, writes ids as <id>, and refuses text naming the folder", () => {
  const tokenizer = idsOnlyTokenizer(512, "runs/hf-llama", 2);
  assert.is(tokenizer.vocabSize, 512);
  assert.is(tokenizer.eosId, 2);
  assert.is(tokenizer.decode([3, 7]), "<3><7>");
  assert.throws(() => tokenizer.encode("hello"), /runs\/hf-llama has no tokenizer .* text "hello" cannot be encoded; give token ids/);
});

test("idsOnlyTokenizer() replaces an EOS id outside the vocabulary (GPT-2's 50256 in a small config) by 0", () => {
  assert.is(idsOnlyTokenizer(512, "d", 50256).eosId, 0);
  assert.is(idsOnlyTokenizer(512, "d").eosId, 0);
});

test.run();
