/**
 * The verl dataset read back by DuckDB (a parquet reader independent of hyparquet-writer), its schema
 * checked against the columns verl's `RLHFDataset` and tool agent loop read.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { main } from "../main.ts";
import { memoryIO } from "../io.ts";
import { resolveTask } from "../../trainer/run/setup.ts";

/** verl's documented columns (data_source, prompt as chat messages, ability, reward_model, extra_info) as DuckDB types, field names unquoted. */
const VERL_COLUMNS: [string, string][] = [
  ["data_source", "VARCHAR"],
  ["prompt", "STRUCT(role VARCHAR, content VARCHAR)[]"],
  ["ability", "VARCHAR"],
  ["reward_model", "STRUCT(style VARCHAR, ground_truth VARCHAR)"],
  ["extra_info", "STRUCT(index BIGINT, split VARCHAR, sample VARCHAR, tools VARCHAR)"],
  ["agent_name", "VARCHAR"],
];

test("DuckDB reads toolrl's verl-dataset parquet with verl's columns, types and row values", async () => {
  const dir = await mkdtemp(join(tmpdir(), "toolrl-verl-duckdb-"));
  const out = join(dir, "train.parquet");
  assert.is(await main(["export", "verl-dataset", "calculator", "--n", "5", "--seed", "3", "--out", out], memoryIO()), 0);
  const instance = await DuckDBInstance.create(":memory:");
  const db = await instance.connect();
  const path = out.replaceAll("'", "''");
  const schema = (await db.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${path}')`)).getRowObjects();
  const unquoted = (type: unknown) => String(type).replaceAll('"', "");
  assert.equal(schema.map((column) => [column.column_name, unquoted(column.column_type)]), VERL_COLUMNS);

  const rows = (await db.runAndReadAll(
    `SELECT data_source, len(prompt) AS turns, prompt[1].role AS role, prompt[1].content AS content, ability,
            reward_model.style AS style, reward_model.ground_truth AS ground_truth, extra_info.index AS idx,
            extra_info.split AS split, extra_info.sample AS sample, extra_info.tools AS tools, agent_name
     FROM read_parquet('${path}')`,
  )).getRowObjects();
  assert.is(rows.length, 5);
  const task = await resolveTask("calculator", []);
  const samples = task.samples({ seed: 3, n: 5, split: "train" });
  rows.forEach((row, i) => {
    assert.is(row.data_source, "toolrl/calculator");
    assert.is(row.turns, 1n);
    assert.is(row.role, "user");
    assert.is(row.content, samples[i].question, "the bare question: verl renders the chat template itself");
    assert.not.match(String(row.content), /<\|im_start\|>/);
    assert.is(row.ability, "tool_use");
    assert.is(row.style, "rule");
    assert.is(row.ground_truth, String(samples[i].answer));
    assert.is(row.idx, BigInt(i));
    assert.is(row.split, "train");
    assert.equal(JSON.parse(row.sample as string), JSON.parse(JSON.stringify(samples[i])));
    assert.equal(JSON.parse(row.tools as string).map((tool: { function: { name: string } }) => tool.function.name), ["calculator"]);
    assert.is(row.agent_name, "tool_agent");
  });
  db.closeSync();
  instance.closeSync();
  await rm(dir, { recursive: true });
});

test.run();
