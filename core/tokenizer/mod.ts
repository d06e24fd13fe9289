/** The built-in byte-level tokenizer with special tokens. */
export * from "./char_tokenizer.ts";
