/**
 * ToolBench (OpenBMB/ToolBench) to episodes in the `react` format. Its training files hold records
 * `{id, conversations: [{from: "system" | "user" | "assistant" | "function", value}]}`: assistant turns are
 * ReAct text (`\nThought: ...\nAction: name\nAction Input: {...}`), function turns the API's JSON reply.
 * Assistant text becomes model segments ending with `Observation:` as our rollouts write them, function
 * replies tool segments. ToolBench ends with a call of its `Finish` pseudo-tool; a `give_answer` finish is
 * written as `Final Answer: ...`, the react format's answer, so the episode ends the way our rollouts do.
 */
import { looseJson } from "../formats/loose_json.ts";
import { isPlainObject } from "../formats/parse_helpers.ts";
import type { Tokenizer } from "../types.ts";
import { eachRecord, readTurns } from "./importer_helpers.ts";
import { conversationToEpisode, type DatasetImport } from "./conversation.ts";

/** Options of `importToolBench`. */
export interface ToolBenchOptions {
  tokenizer: Tokenizer;
  /** Prefix of episode ids when a record has no `id` (default `toolbench`). */
  idPrefix?: string;
}

const FINISH = /Action:\s*Finish\s*\nAction Input:\s*([\s\S]*)$/;

/**
 * Episodes from ToolBench records (a parsed JSON list, or one record). Records that cannot be read are
 * listed in `skipped` with the reason.
 *
 * @example
 * ```ts
 * const records = await (await fetch(new URL("./toolllama_G123_dfs_train.json", import.meta.url))).json();
 * const { episodes, skipped } = importToolBench(records, { tokenizer: charTokenizer() });
 * ```
 */
export function importToolBench(data: unknown, options: ToolBenchOptions): DatasetImport {
  const prefix = options.idPrefix ?? "toolbench";
  const { results, skipped } = eachRecord(data, "ToolBench", (record, index) => {
    const where = `ToolBench record ${index}`;
    const turns = readTurns(record, where).map((turn) =>
      turn.role === "assistant" ? { ...turn, content: finishAsAnswer(turn.content) } : turn
    );
    const id = isPlainObject(record) && typeof record.id === "string" ? record.id : `${prefix}/${index}`;
    const question = turns.find((turn) => turn.role === "user")?.content ?? "";
    const last = turns[turns.length - 1];
    const answer = last?.role === "assistant" ? /Final Answer:\s*([\s\S]*)$/.exec(last.content)?.[1] ?? null : null;
    return conversationToEpisode(turns, {
      id,
      format: "react",
      tokenizer: options.tokenizer,
      sample: { id, question, answer },
    });
  });
  return { episodes: results, skipped };
}

/** `Action: Finish` with `{"return_type": "give_answer", "final_answer": ...}` as `Final Answer: ...`. */
function finishAsAnswer(content: string): string {
  const match = FINISH.exec(content);
  if (!match) return content;
  const input = looseJson(match[1]);
  if (!input.ok || !isPlainObject(input.value)) return content;
  const { return_type: returnType, final_answer: finalAnswer } = input.value;
  if (returnType !== "give_answer" || typeof finalAnswer !== "string") return content;
  return `${content.slice(0, match.index)}Final Answer: ${finalAnswer}`;
}
