/**
 * A byte-level tokenizer (one id per byte, plus special strings of one id each) written as a Hugging Face
 * `tokenizer.json` + `tokenizer_config.json`: a byte-level BPE model with no merges over the 256 byte
 * symbols of GPT-2's byte-to-unicode table, with the special strings as added tokens. Hugging Face
 * tokenizers (Python and transformers.js) then encode and decode exactly as the byte-level tokenizer does.
 */

/** What defines a byte-level tokenizer. */
export interface ByteLevelSpec {
  /** `byteIds[b]` is the id of byte b (256 entries). */
  byteIds: readonly number[];
  /** Special strings and their ids (format tags, EOS, pad...). */
  specialTokens: Readonly<Record<string, number>>;
  eosId: number;
  padId: number;
  bosId: number | null;
  /** Longest sequence the model takes (`model_max_length`). */
  modelMaxLength?: number;
}

/**
 * GPT-2's byte-to-unicode table: printable Latin-1 bytes map to themselves, the other bytes to code
 * points from U+0100 up, so that every byte is a visible character in `vocab` and `merges`.
 */
export function byteSymbols(): string[] {
  const symbols = new Array<string>(256);
  let next = 256;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
    symbols[b] = String.fromCodePoint(printable ? b : next++);
  }
  return symbols;
}

function checkSpec(spec: ByteLevelSpec): void {
  if (spec.byteIds.length !== 256) {
    throw new Error(`tokenizer: byteIds must list 256 ids, one per byte; got ${spec.byteIds.length}.`);
  }
  const seen = new Map<number, string>();
  const claim = (id: number, what: string) => {
    if (!Number.isSafeInteger(id) || id < 0) throw new Error(`tokenizer: ${what} has invalid id ${id}.`);
    if (seen.has(id)) throw new Error(`tokenizer: id ${id} is used by both ${seen.get(id)} and ${what}.`);
    seen.set(id, what);
  };
  spec.byteIds.forEach((id, b) => claim(id, `byte ${b}`));
  for (const [text, id] of Object.entries(spec.specialTokens)) claim(id, JSON.stringify(text));
}

/**
 * The two Hugging Face files, as JSON text, for a byte-level tokenizer.
 *
 * @example
 * ```ts
 * const files = byteLevelTokenizerFiles({ byteIds, specialTokens: { "<|endoftext|>": 256 }, eosId: 256, padId: 256, bosId: null });
 * files["tokenizer.json"]; // '{"version":"1.0",...}'
 * ```
 */
export function byteLevelTokenizerFiles(spec: ByteLevelSpec): Record<"tokenizer.json" | "tokenizer_config.json", string> {
  checkSpec(spec);
  const symbols = byteSymbols();
  const vocab: Record<string, number> = {};
  spec.byteIds.forEach((id, b) => (vocab[symbols[b]] = id));
  const added = Object.entries(spec.specialTokens)
    .map(([content, id]) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }))
    .sort((a, b) => a.id - b.id);
  const byteLevel = { type: "ByteLevel", add_prefix_space: false, trim_offsets: false, use_regex: false };
  const tokenizerJson = {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: null,
    decoder: byteLevel,
    model: {
      type: "BPE",
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges: [],
    },
  };
  const names = new Map<number, string>();
  spec.byteIds.forEach((id, b) => names.set(id, symbols[b]));
  for (const { id, content } of added) names.set(id, content);
  const tokenizerConfig = {
    tokenizer_class: "PreTrainedTokenizerFast",
    added_tokens_decoder: Object.fromEntries(added.map(({ id, ...token }) => [String(id), token])),
    bos_token: spec.bosId === null ? null : names.get(spec.bosId) ?? null,
    eos_token: names.get(spec.eosId) ?? null,
    pad_token: names.get(spec.padId) ?? null,
    unk_token: null,
    add_bos_token: false,
    add_eos_token: false,
    clean_up_tokenization_spaces: false,
    model_max_length: spec.modelMaxLength ?? 1e30,
  };
  return {
    "tokenizer.json": JSON.stringify(tokenizerJson, null, 1),
    "tokenizer_config.json": JSON.stringify(tokenizerConfig, null, 2),
  };
}
