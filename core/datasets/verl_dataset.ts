/**
 * A task's samples as a verl RL dataset in parquet: `data_source`, `prompt` (chat messages), `ability`,
 * `reward_model: {style, ground_truth}`, `extra_info: {index, split, sample, tools}` and `agent_name`,
 * the columns verl's `RLHFDataset` and tool agent loop read. Written with hyparquet-writer (pure JS).
 */
import { parquetWriteBuffer } from "hyparquet-writer";
import { toolSchemas } from "../plugin/tool_schemas.ts";
import type { Task } from "../types.ts";

/** One row of a verl dataset. */
export interface VerlDatasetRow {
  data_source: string;
  prompt: { role: string; content: string }[];
  ability: string;
  reward_model: { style: string; ground_truth: string };
  extra_info: { index: number; split: string; sample: string; tools: string };
  agent_name: string;
}

/** Options of {@link verlDatasetRows}. */
export interface VerlDatasetOptions {
  n: number;
  seed?: number;
  split?: "train" | "eval";
}

/**
 * `n` samples of `task` as verl dataset rows.
 *
 * @example
 * ```ts
 * const bytes = verlDatasetParquet(verlDatasetRows(task, { n: 1000 })); // save as train.parquet
 * ```
 */
export function verlDatasetRows(task: Task, options: VerlDatasetOptions): VerlDatasetRow[] {
  const { n, seed = 0, split = "train" } = options;
  if (!Number.isInteger(n) || n < 1) throw new Error(`n ${n} must be a positive integer`);
  const tools = JSON.stringify(toolSchemas(task.tools));
  return task.samples({ seed, n, split }).map((sample, index) => ({
    data_source: `toolrl/${task.name}`,
    // The bare question: verl renders the chat template and the tool config's tools itself (a prompt already
    // rendered in a toolrl format would be templated twice).
    prompt: [{ role: "user", content: sample.question }],
    ability: "tool_use",
    reward_model: { style: "rule", ground_truth: typeof sample.answer === "string" ? sample.answer : JSON.stringify(sample.answer) },
    extra_info: { index, split, sample: JSON.stringify(sample), tools },
    agent_name: "tool_agent",
  }));
}

const text = (name: string, repetition_type = "OPTIONAL") => ({ name, type: "BYTE_ARRAY" as const, converted_type: "UTF8" as const, repetition_type: repetition_type as "OPTIONAL" });

/** The parquet schema: nested lists and structs, as pandas/datasets write them. */
const SCHEMA = [
  { name: "root", num_children: 6 },
  text("data_source", "REQUIRED"),
  { name: "prompt", repetition_type: "OPTIONAL" as const, converted_type: "LIST" as const, num_children: 1 },
  { name: "list", repetition_type: "REPEATED" as const, num_children: 1 },
  { name: "element", repetition_type: "OPTIONAL" as const, num_children: 2 },
  text("role"),
  text("content"),
  text("ability"),
  { name: "reward_model", repetition_type: "OPTIONAL" as const, num_children: 2 },
  text("style"),
  text("ground_truth"),
  { name: "extra_info", repetition_type: "OPTIONAL" as const, num_children: 4 },
  { name: "index", type: "INT64" as const, repetition_type: "OPTIONAL" as const },
  text("split"),
  text("sample"),
  text("tools"),
  text("agent_name"),
];

/** Rows as the bytes of one parquet file. */
export function verlDatasetParquet(rows: readonly VerlDatasetRow[]): Uint8Array {
  const column = <K extends keyof VerlDatasetRow>(name: K) => ({ name, data: rows.map((row) => row[name]) });
  const buffer = parquetWriteBuffer({
    schema: SCHEMA,
    columnData: [
      column("data_source"),
      column("prompt"),
      column("ability"),
      column("reward_model"),
      { name: "extra_info", data: rows.map((row) => ({ ...row.extra_info, index: BigInt(row.extra_info.index) })) },
      column("agent_name"),
    ],
  } as Parameters<typeof parquetWriteBuffer>[0]);
  return new Uint8Array(buffer);
}
