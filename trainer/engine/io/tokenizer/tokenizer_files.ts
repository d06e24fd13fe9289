/**
 * The tokenizer's files in a checkpoint folder. The built-in char tokenizer is written twice: as a
 * Hugging Face byte-level `tokenizer.json` (+ `tokenizer_config.json`) that other tools load and that
 * encodes identically, and as our own `char_tokenizer.json`, which `readTokenizer` prefers (no
 * transformers.js needed). A Hugging Face tokenizer is written back from the files it was loaded from.
 */
import type { Tokenizer } from "../../../../core/types.ts";
import { type CharTokenizerJSON, charTokenizerFromJSON } from "../../../../core/tokenizer/mod.ts";
import { type FileSystem, joinPath } from "../fs/fs.ts";
import { byteLevelTokenizerFiles } from "./byte_level_json.ts";
import { type HfTokenizer, loadHfTokenizer } from "./hf_tokenizer.ts";

/** Our own record of the built-in char tokenizer, beside the Hugging Face files. */
export const CHAR_TOKENIZER_FILE = "char_tokenizer.json";

/**
 * The files that record `tokenizer` in a checkpoint, by file name.
 *
 * @example
 * ```ts
 * Object.keys(tokenizerFiles(charTokenizer())); // ["tokenizer.json", "tokenizer_config.json", "char_tokenizer.json"]
 * ```
 */
export function tokenizerFiles(tokenizer: Tokenizer, options: { modelMaxLength?: number } = {}): Record<string, Uint8Array | string> {
  if ("files" in tokenizer) return { ...(tokenizer as HfTokenizer).files };
  const saved = (tokenizer as Tokenizer & { toJSON?: () => unknown }).toJSON?.() as CharTokenizerJSON | undefined;
  if (saved?.type !== "char") {
    throw new Error(
      `tokenizer cannot be saved: it is neither the built-in char tokenizer (toJSON() gave ${
        JSON.stringify(saved)?.slice(0, 80)
      }) nor one loaded with loadHfTokenizer.`,
    );
  }
  const hf = byteLevelTokenizerFiles({
    byteIds: Array.from({ length: 256 }, (_, b) => b), // the char tokenizer's ids 0..255 are the bytes
    specialTokens: tokenizer.specialTokens,
    eosId: tokenizer.eosId,
    padId: tokenizer.padId,
    bosId: tokenizer.bosId,
    modelMaxLength: options.modelMaxLength,
  });
  return { ...hf, [CHAR_TOKENIZER_FILE]: JSON.stringify(saved, null, 2) };
}

/**
 * Loads the tokenizer of a checkpoint or Hugging Face model folder: our char tokenizer when
 * `char_tokenizer.json` is there, else `tokenizer.json` through transformers.js (local files only).
 *
 * @example
 * ```ts
 * const tokenizer = await readTokenizer("runs/calculator/checkpoint", { fs: await defaultFileSystem() });
 * ```
 */
export async function readTokenizer(dir: string, options: { fs: FileSystem; eosId?: number }): Promise<Tokenizer> {
  const charPath = joinPath(dir, CHAR_TOKENIZER_FILE);
  if (await options.fs.exists(charPath)) {
    const text = new TextDecoder().decode(await options.fs.readFile(charPath));
    try {
      return charTokenizerFromJSON(JSON.parse(text));
    } catch (error) {
      throw new Error(`${charPath} is not a char tokenizer (${(error as Error).message}); rewrite it or delete it to use tokenizer.json`);
    }
  }
  return await loadHfTokenizer(dir, options);
}
