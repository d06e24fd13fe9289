/**
 * Test fixture (Node/Deno file access): the BFCL questions and gold answers vendored in `fixtures/bfcl/`
 * (Apache-2.0; where they came from is in its README).
 */
import { readFile } from "node:fs/promises";
import type { ExpectedCall, FunctionDoc } from "../tool_call_match.ts";

/** One BFCL item: its id, the functions offered, and the gold calls (empty for irrelevance). */
export interface BfclItem {
  id: string;
  functions: FunctionDoc[];
  expected: ExpectedCall[];
}

const bfclDir = new URL("../fixtures/bfcl/", import.meta.url);

async function jsonLines(url: URL): Promise<Record<string, unknown>[]> {
  const text = await readFile(url, "utf8");
  return text.split("\n").filter((line) => line.trim() !== "").map((line) => JSON.parse(line));
}

/** The items of a category (`simple_python`, `multiple`, `parallel`, `parallel_multiple`, `irrelevance`). */
export async function loadBfcl(category: string): Promise<BfclItem[]> {
  const questions = await jsonLines(new URL(`BFCL_v4_${category}.json`, bfclDir));
  const answers = category === "irrelevance"
    ? []
    : await jsonLines(new URL(`possible_answer/BFCL_v4_${category}.json`, bfclDir));
  const gold = new Map(answers.map((answer) => [answer.id as string, answer.ground_truth as ExpectedCall[]]));
  return questions.map((question) => {
    const id = question.id as string;
    const expected = category === "irrelevance" ? [] : gold.get(id);
    if (!expected) throw new Error(`BFCL ${category}: no gold answer for ${id}`);
    return { id, functions: question.function as FunctionDoc[], expected };
  });
}
