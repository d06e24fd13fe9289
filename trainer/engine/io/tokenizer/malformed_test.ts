import { test } from "uvu";
import * as assert from "uvu/assert";
import { nodeFileSystem } from "../fs/fs_node.ts";
import { joinPath } from "../fs/fs.ts";
import { tempDir } from "../fs/testing/temp_dir.ts";
import { CHAR_TOKENIZER_FILE, readTokenizer } from "./tokenizer_files.ts";

const fs = nodeFileSystem();

async function readFrom(files: Record<string, string>): Promise<string> {
  const dir = await tempDir();
  try {
    for (const [name, text] of Object.entries(files)) await fs.writeFile(joinPath(dir.path, name), text);
    await readTokenizer(dir.path, { fs });
    return "loaded";
  } catch (error) {
    return (error as Error).message;
  } finally {
    await dir.cleanup();
  }
}

test("readTokenizer() names a malformed char_tokenizer.json", async () => {
  assert.match(await readFrom({ [CHAR_TOKENIZER_FILE]: "{not json" }), CHAR_TOKENIZER_FILE);
  assert.match(await readFrom({ [CHAR_TOKENIZER_FILE]: "null" }), CHAR_TOKENIZER_FILE);
});

test("readTokenizer() names a malformed tokenizer.json", async () => {
  const message = await readFrom({ "tokenizer.json": "{\"model\": ", "tokenizer_config.json": "{}" });
  assert.match(message, /tokenizer\.json is not valid JSON/);
});

test.run();
