/** Pieces shared by the importers: short descriptions of bad values, and transcript turns by role name. */
import { isPlainObject } from "../formats/parse_helpers.ts";
import type { ChatTurn } from "./conversation.ts";

/** A value shortened for an error message. */
export function describe(value: unknown): string {
  return (JSON.stringify(value) ?? String(value)).slice(0, 120);
}

/** Role names used by ShareGPT, ToolBench, LLaMA-Factory and OpenAI-style messages. */
const ROLES: Record<string, ChatTurn["role"]> = {
  system: "system",
  human: "user",
  user: "user",
  gpt: "assistant",
  assistant: "assistant",
  function_call: "assistant",
  tool: "tool",
  function: "tool",
  observation: "tool",
};

/**
 * The turns of a record: `conversations: [{from, value}]` (ShareGPT) or `messages: [{role, content}]`.
 * The source's role name is kept in `source` so importers can treat `function_call` turns specially.
 */
export function readTurns(record: unknown, where: string): (ChatTurn & { source: string })[] {
  const list = isPlainObject(record) ? record.conversations ?? record.messages : undefined;
  if (!Array.isArray(list)) {
    throw new Error(`${where} needs a "conversations" (or "messages") list, got ${describe(record)}`);
  }
  return list.map((turn, k) => {
    const from = isPlainObject(turn) ? turn.from ?? turn.role : undefined;
    const value = isPlainObject(turn) ? turn.value ?? turn.content : undefined;
    const role = typeof from === "string" ? ROLES[from] : undefined;
    if (role === undefined || typeof value !== "string") {
      const known = Object.keys(ROLES).join(", ");
      throw new Error(`${where} turn ${k} needs "from" (one of ${known}) and a string "value", got ${describe(turn)}`);
    }
    const name = isPlainObject(turn) && typeof turn.name === "string" ? turn.name : undefined;
    return { role, content: value, source: from as string, ...(name === undefined ? {} : { name }) };
  });
}

/** Runs `convert` on each record, collecting what fails into `skipped` instead of stopping. */
export function eachRecord<T>(
  data: unknown,
  what: string,
  convert: (record: unknown, index: number) => T,
): { results: T[]; skipped: { index: number; reason: string }[] } {
  const records = Array.isArray(data) ? data : [data];
  if (records.length === 0 || records.every((r) => !isPlainObject(r))) {
    throw new Error(`${what} data is a list of records (objects), got ${describe(data)}; parse the file first`);
  }
  const results: T[] = [];
  const skipped: { index: number; reason: string }[] = [];
  records.forEach((record, index) => {
    try {
      results.push(convert(record, index));
    } catch (error) {
      skipped.push({ index, reason: (error as Error).message });
    }
  });
  return { results, skipped };
}
