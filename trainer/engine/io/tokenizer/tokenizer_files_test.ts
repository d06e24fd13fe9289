import { test } from "uvu";
import * as assert from "uvu/assert";
import { charTokenizer } from "../../../../core/tokenizer/mod.ts";
import type { Tokenizer } from "../../../../core/types.ts";
import { nodeFileSystem } from "../fs/fs_node.ts";
import { joinPath } from "../fs/fs.ts";
import { tempDir } from "../fs/testing/temp_dir.ts";
import { loadHfTokenizer } from "./hf_tokenizer.ts";
import { CHAR_TOKENIZER_FILE, readTokenizer, tokenizerFiles } from "./tokenizer_files.ts";

const fs = nodeFileSystem();

async function writeFiles(dir: string, files: Record<string, Uint8Array | string>) {
  for (const [name, data] of Object.entries(files)) await fs.writeFile(joinPath(dir, name), data);
}

/** Texts mixing special tags, their prefixes, unicode, whitespace and control characters (seeded). */
function sampleTexts(specials: string[], count: number): string[] {
  const pieces = [...specials, ...specials.map((s) => s.slice(0, -1)), ...specials.map((s) => s.slice(1)), "<", ">", "/", ":",
    " ", "  ", "\n", "\t", "\r\n", "é", "日本", "🤖", "\u0000", "\u007f", "Result = 42", "2+2", "{\"a\": 1}", "x", "Ġ", "Ā", ".", ",", "!", "?", "'s", "n't"];
  let s = 7;
  const next = (n: number) => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) % n);
  const texts = ["", "<request><Calculator>2+3<call>5<response>Result = 5 <submit>", specials.join(""), specials.join(" ")];
  while (texts.length < count) texts.push(Array.from({ length: 1 + next(12) }, () => pieces[next(pieces.length)]).join(""));
  return texts;
}

function assertSameTokenizer(ours: Tokenizer, theirs: Tokenizer) {
  assert.equal([theirs.eosId, theirs.padId, theirs.bosId], [ours.eosId, ours.padId, ours.bosId]);
  assert.equal(theirs.specialTokens, ours.specialTokens);
  assert.is(theirs.vocabSize, ours.vocabSize);
  for (const text of sampleTexts(Object.keys(ours.specialTokens), 400)) {
    const ids = ours.encode(text);
    assert.equal(theirs.encode(text), ids, JSON.stringify(text));
    assert.is(theirs.decode(ids), ours.decode(ids), JSON.stringify(text));
  }
  let s = 3;
  for (let k = 0; k < 200; k++) {
    const ids = Array.from({ length: 1 + (k % 9) }, () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) % ours.vocabSize);
    assert.is(theirs.decode(ids), ours.decode(ids), `ids ${ids}`);
  }
}

test("the char tokenizer's tokenizer.json loads in transformers.js and encodes and decodes exactly like it", async () => {
  const dir = await tempDir();
  try {
    const ours = charTokenizer();
    const files = tokenizerFiles(ours, { modelMaxLength: 256 });
    await writeFiles(dir.path, files);
    assert.is(JSON.parse(files["tokenizer_config.json"] as string).model_max_length, 256);
    assertSameTokenizer(ours, await loadHfTokenizer(dir.path));
  } finally {
    await dir.cleanup();
  }
});

test("tokenizerFiles() records custom specials too, and readTokenizer() prefers char_tokenizer.json", async () => {
  const dir = await tempDir();
  try {
    const ours = charTokenizer({ specials: ["<|im_start|>", "<|im_end|>", "<tool>", "<tool_call>", "<t", "<tool_call>!"] });
    await writeFiles(dir.path, tokenizerFiles(ours));
    assertSameTokenizer(ours, await loadHfTokenizer(dir.path));
    const back = await readTokenizer(dir.path, { fs });
    assert.equal((back as typeof ours).toJSON(), ours.toJSON());
    await fs.remove(joinPath(dir.path, CHAR_TOKENIZER_FILE));
    const viaHf = await readTokenizer(dir.path, { fs });
    assert.ok("files" in viaHf, "without char_tokenizer.json the Hugging Face files are used");
    assert.equal(viaHf.encode("<|im_start|>hi<tool_call>"), ours.encode("<|im_start|>hi<tool_call>"));
  } finally {
    await dir.cleanup();
  }
});

test("tokenizerFiles() writes a loaded Hugging Face tokenizer back byte for byte", async () => {
  const source = await tempDir();
  try {
    const files = tokenizerFiles(charTokenizer());
    delete files[CHAR_TOKENIZER_FILE];
    await writeFiles(source.path, files);
    const hf = await loadHfTokenizer(source.path);
    const again = tokenizerFiles(hf);
    assert.equal(Object.keys(again).sort(), ["tokenizer.json", "tokenizer_config.json"]);
    assert.is(new TextDecoder().decode(again["tokenizer.json"] as Uint8Array), files["tokenizer.json"]);
  } finally {
    await source.cleanup();
  }
});

test("tokenizerFiles() refuses a tokenizer it cannot record", () => {
  const odd = { ...charTokenizer(), toJSON: () => ({ type: "wordpiece" }) };
  assert.throws(() => tokenizerFiles(odd), /wordpiece/);
});

test.run();
