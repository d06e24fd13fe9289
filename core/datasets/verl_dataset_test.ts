import { test } from "uvu";
import * as assert from "uvu/assert";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import { addTask as task } from "../rollout/testing/tools.ts";
import { verlDatasetParquet, verlDatasetRows } from "./verl_dataset.ts";

test("verlDatasetParquet() writes verl's columns, read back by hyparquet with nested prompt and reward_model", async () => {
  const rows = verlDatasetRows(task, { n: 5, seed: 2 });
  const bytes = verlDatasetParquet(rows);
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const meta = parquetMetadata(file);
  assert.is(Number(meta.num_rows), 5);
  const top = meta.schema.slice(1).map((s) => s.name);
  for (const column of ["data_source", "prompt", "ability", "reward_model", "extra_info", "agent_name"]) assert.ok(top.includes(column), column);
  const read = await parquetReadObjects({ file });
  const [sample] = task.samples({ seed: 2, n: 5 });
  assert.equal(read[0].prompt, [{ role: "user", content: sample.question }], "the bare question; verl applies the chat template");
  assert.equal(read[0].reward_model, { style: "rule", ground_truth: JSON.stringify(sample.answer) });
  assert.is(read[0].data_source, "toolrl/add");
  assert.is(Number(read[4].extra_info.index), 4);
  assert.equal(JSON.parse(read[0].extra_info.sample), sample);
  assert.is(JSON.parse(read[0].extra_info.tools)[0].function.name, "Calculator");
});

test("verlDatasetRows() names a bad n", () => {
  assert.throws(() => verlDatasetRows(task, { n: 0 }), /n 0/);
});

test.run();
