/**
 * The stand-in tokenizer of a checkpoint folder that has no tokenizer files (a config and weights written by
 * transformers' `save_pretrained` alone): it knows the vocabulary size and nothing about text, so callers that
 * pass token ids (`toolrl logits --tokens`) can load such a folder.
 */
import type { Tokenizer } from "../../../../core/types.ts";

/**
 * A tokenizer of `vocabSize` ids without text: `encode` throws, `decode` writes the ids as `<id>`.
 *
 * @example idsOnlyTokenizer(1000, "runs/hf").decode([3, 7]); // "<3><7>"
 */
export function idsOnlyTokenizer(vocabSize: number, dir: string, eosId = 0): Tokenizer {
  // transformers' small configs keep the big model's EOS id (GPT-2: 50256) whatever the vocabulary
  if (!(eosId >= 0 && eosId < vocabSize)) eosId = 0;
  return {
    vocabSize,
    specialTokens: {},
    eosId,
    padId: eosId,
    bosId: null,
    encode(text: string): number[] {
      throw new Error(
        `${dir} has no tokenizer (neither char_tokenizer.json nor tokenizer.json), so text ${JSON.stringify(text.slice(0, 40))} ` +
          `cannot be encoded; give token ids instead (toolrl logits --tokens 1,2,3) or add the model's tokenizer files.`,
      );
    },
    decode: (ids) => Array.from(ids, (id) => `<${id}>`).join(""),
  };
}
