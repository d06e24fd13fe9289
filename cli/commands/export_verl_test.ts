import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parquetReadObjects } from "hyparquet";
import { main } from "../main.ts";
import { memoryIO } from "../io.ts";

test("toolrl export verl-dataset writes N rows of the task in parquet, making the folders of --out", async () => {
  const dir = await mkdtemp(join(tmpdir(), "toolrl-verl-"));
  // the folders of --out are made as the docs' data/calculator/train.parquet needs
  const out = join(dir, "data", "calculator", "train.parquet");
  const io = memoryIO();
  assert.is(await main(["export", "verl-dataset", "calculator", "--n", "7", "--out", out], io), 0, io.err);
  const bytes = await readFile(out);
  const rows = await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer });
  assert.is(rows.length, 7);
  assert.is(rows[0].data_source, "toolrl/calculator");
  assert.is(rows[0].prompt[0].role, "user");
  await rm(dir, { recursive: true });
});

test("toolrl export verl-dataset refuses to replace an existing file unless --overwrite", async () => {
  const dir = await mkdtemp(join(tmpdir(), "toolrl-verl-"));
  const out = join(dir, "train.parquet");
  await writeFile(out, "mine");
  const io = memoryIO();
  assert.is.not(await main(["export", "verl-dataset", "calculator", "--n", "3", "--out", out], io), 0);
  assert.match(io.err, /train\.parquet exists; pass --overwrite/);
  assert.is(await readFile(out, "utf8"), "mine");
  assert.is(await main(["export", "verl-dataset", "calculator", "--n", "3", "--out", out, "--overwrite"], memoryIO()), 0);
  assert.is.not(await readFile(out, "utf8"), "mine");
  await rm(dir, { recursive: true });
});

test("toolrl export names an unknown kind and option", async () => {
  const io = memoryIO();
  assert.is.not(await main(["export", "csv", "calculator"], io), 0);
  assert.match(io.err, /"csv"/);
  const io2 = memoryIO();
  assert.is.not(await main(["export", "verl-dataset", "calculator", "--bogus", "1"], io2), 0);
  assert.match(io2.err, /--bogus/);
});

test.run();
