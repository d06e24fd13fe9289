import { test } from "uvu";
import * as assert from "uvu/assert";
import { writeFile } from "node:fs/promises";
import { env } from "@huggingface/transformers";
import { byteLevelTokenizerFiles, byteSymbols } from "./byte_level_json.ts";
import { loadHfTokenizer } from "./hf_tokenizer.ts";
import { tempDir } from "../fs/testing/temp_dir.ts";

const specialTokens = { "<|endoftext|>": 0, "<pad>": 1, "<call>": 2, "<submit>": 259, "<request>": 260, "<response>": 261 };
const byteIds = Array.from({ length: 256 }, (_, b) => b + 3);

async function writeFolder(files: Record<string, string>): Promise<{ path: string; cleanup(): Promise<void> }> {
  const dir = await tempDir();
  for (const [name, text] of Object.entries(files)) await writeFile(`${dir.path}/${name}`, text);
  return dir;
}

test("a byte-level tokenizer.json loads in transformers.js and encodes bytes and special tags as specified", async () => {
  const dir = await writeFolder(byteLevelTokenizerFiles({ byteIds, specialTokens, eosId: 0, padId: 1, bosId: null }));
  try {
    const tokenizer = await loadHfTokenizer(dir.path);
    assert.equal([tokenizer.eosId, tokenizer.padId, tokenizer.bosId, tokenizer.vocabSize], [0, 1, null, 262]);
    assert.equal(tokenizer.specialTokens, specialTokens);
    const utf8 = (s: string) => [...new TextEncoder().encode(s)].map((b) => b + 3);
    assert.equal(tokenizer.encode("hé 🤖"), utf8("hé 🤖"));
    assert.equal(tokenizer.encode("<request><Calc>2+2<call>"), [260, ...utf8("<Calc>2+2"), 2]);
    assert.equal(tokenizer.encode("x<submit><|endoftext|><pad>"), [...utf8("x"), 259, 0, 1]);
    assert.equal(tokenizer.encode("a<call"), utf8("a<call"));
    assert.equal(tokenizer.encode(""), []);
    for (const text of ["  two  spaces\n\ttab ", "don't . , !", "日本語<call>\u0000\u007f", "<response>4<response>"]) {
      assert.is(tokenizer.decode(tokenizer.encode(text)), text);
    }
    assert.is(tokenizer.decode([]), "");
    assert.is(tokenizer.decode([0xc3 + 3]), "\ufffd");
  } finally {
    await dir.cleanup();
  }
});

test("loadHfTokenizer() applies BPE merges, reads bos/eos and keeps non-special added tokens", async () => {
  const symbols = byteSymbols();
  const vocab: Record<string, number> = Object.fromEntries(symbols.map((s, b) => [s, b]));
  Object.assign(vocab, { he: 256, ll: 257, hell: 258 });
  const tokenizerJson = {
    version: "1.0",
    added_tokens: [
      { id: 259, content: "<s>", single_word: false, lstrip: false, rstrip: false, normalized: false, special: true },
      { id: 260, content: "</s>", single_word: false, lstrip: false, rstrip: false, normalized: false, special: true },
      { id: 261, content: "<tool_call>", single_word: false, lstrip: false, rstrip: false, normalized: false, special: false },
    ],
    normalizer: null,
    pre_tokenizer: { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: null,
    decoder: { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true },
    model: { type: "BPE", dropout: null, unk_token: null, fuse_unk: false, byte_fallback: false, vocab, merges: ["h e", "l l", "he ll"] },
  };
  const config = { tokenizer_class: "GPT2Tokenizer", bos_token: "<s>", eos_token: "</s>", clean_up_tokenization_spaces: true };
  const dir = await writeFolder({ "tokenizer.json": JSON.stringify(tokenizerJson), "tokenizer_config.json": JSON.stringify(config) });
  try {
    const before = env.allowRemoteModels;
    const tokenizer = await loadHfTokenizer(dir.path);
    assert.is(env.allowRemoteModels, before, "the global transformers.js setting is restored");
    assert.equal(tokenizer.encode("hello hell"), [258, 111, 32, 258]);
    assert.equal(tokenizer.encode("<s>hell<tool_call>"), [259, 258, 261]);
    assert.equal([tokenizer.bosId, tokenizer.eosId, tokenizer.padId], [259, 260, 260]);
    assert.is(tokenizer.specialTokens["<tool_call>"], 261);
    assert.is(tokenizer.decode([258, 32, 46]), "hell ."); // no clean-up of the space before "."
    assert.ok(tokenizer.files["tokenizer.json"].length > 1000);
  } finally {
    await dir.cleanup();
  }
});

test("loadHfTokenizer() says which file is missing instead of reaching for the network", async () => {
  const dir = await writeFolder({ "tokenizer.json": "{}" });
  try {
    await loadHfTokenizer(dir.path).then(() => assert.unreachable("should fail"), (error: Error) => {
      assert.ok(error.message.includes("tokenizer_config.json is missing"), error.message);
    });
  } finally {
    await dir.cleanup();
  }
});

test("loadHfTokenizer() takes the EOS id from options when tokenizer_config.json names none", async () => {
  const files = byteLevelTokenizerFiles({ byteIds, specialTokens, eosId: 0, padId: 1, bosId: null });
  const config = { ...JSON.parse(files["tokenizer_config.json"]), eos_token: null, pad_token: null };
  const dir = await writeFolder({ ...files, "tokenizer_config.json": JSON.stringify(config) });
  try {
    const tokenizer = await loadHfTokenizer(dir.path, { eosId: 261 });
    assert.equal([tokenizer.eosId, tokenizer.padId], [261, 261]);
    await loadHfTokenizer(dir.path).then(() => assert.unreachable("should fail"), (error: Error) => {
      assert.ok(error.message.includes("eos_token"), error.message);
    });
  } finally {
    await dir.cleanup();
  }
});

test.run();
