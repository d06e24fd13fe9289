/**
 * Hermes / ShareGPT tool-call conversations (NousResearch's hermes-function-calling data and the like) to
 * episodes in the `hermes` format: `conversations: [{from: "system" | "human" | "gpt" | "tool", value}]`,
 * calls written as `<tool_call>{...}</tool_call>` in gpt turns and results as `<tool_response>...
 * </tool_response>` in tool turns. The conversation is written in ChatML as our rollouts write it: each gpt
 * turn is a model segment ending with `<|im_end|>`, and the results of consecutive tool turns go back as one
 * user turn of `<tool_response>` blocks (Qwen2.5's template), through the hermes parser's `renderResults`.
 */
import { isPlainObject } from "../formats/parse_helpers.ts";
import type { Tokenizer } from "../types.ts";
import { eachRecord, readTurns } from "./importer_helpers.ts";
import { conversationToEpisode, type DatasetImport } from "./conversation.ts";

/** Options of `importHermes`. */
export interface HermesOptions {
  tokenizer: Tokenizer;
  /** Prefix of episode ids when a record has no `id` (default `hermes`). */
  idPrefix?: string;
}

/**
 * Episodes from ShareGPT-style tool-call records (a parsed JSON list, or one record). A `function_call`
 * turn (LLaMA-Factory's name) holding bare call JSON is wrapped in `<tool_call>` tags. Records that cannot
 * be read are listed in `skipped` with the reason.
 *
 * @example
 * ```ts
 * const records = parseRecords(await (await fetch(new URL("./func_calling_singleturn.jsonl", import.meta.url))).text());
 * const { episodes } = importHermes(records, { tokenizer: charTokenizer() });
 * ```
 */
export function importHermes(data: unknown, options: HermesOptions): DatasetImport {
  const prefix = options.idPrefix ?? "hermes";
  const { results, skipped } = eachRecord(data, "Hermes", (record, index) => {
    const turns = readTurns(record, `Hermes record ${index}`).map((turn) =>
      turn.source === "function_call" && !turn.content.includes("<tool_call>")
        ? { ...turn, content: `<tool_call>\n${turn.content.trim()}\n</tool_call>` }
        : turn
    );
    const id = isPlainObject(record) && typeof record.id === "string" ? record.id : `${prefix}/${index}`;
    const question = turns.find((turn) => turn.role === "user")?.content ?? "";
    const last = turns[turns.length - 1];
    const answer = last?.role === "assistant" && !last.content.includes("<tool_call>") ? last.content.trim() : null;
    return conversationToEpisode(turns, {
      id,
      format: "hermes",
      tokenizer: options.tokenizer,
      sample: { id, question, answer },
    });
  });
  return { episodes: results, skipped };
}
