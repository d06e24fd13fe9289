import { test } from "uvu";
import * as assert from "uvu/assert";
import { appendMetrics, memoryRunFiles, readMetrics } from "./run_files.ts";

test("appendMetrics() writes JSON lines that readMetrics() reads back, NaN as null", async () => {
  const files = memoryRunFiles();
  await appendMetrics(files, "run", { step: 1, x: 0.5 });
  await appendMetrics(files, "run/", { step: 2, x: NaN });
  assert.is(files.files.get("run/metrics.jsonl"), '{"step":1,"x":0.5}\n{"step":2,"x":null}\n');
  assert.equal(await readMetrics(files, "run"), [{ step: 1, x: 0.5 }, { step: 2, x: null as unknown as number }]);
});

test("readMetrics() with upToStep drops later rows and a line cut short by a kill", async () => {
  const files = memoryRunFiles();
  files.files.set("run/metrics.jsonl", '{"step":1}\n{"step":2}\n{"step":3}\n{"ste');
  assert.equal(await readMetrics(files, "run", { upToStep: 2 }), [{ step: 1 }, { step: 2 }]);
  assert.is(files.files.get("run/metrics.jsonl"), '{"step":1}\n{"step":2}\n');
  assert.equal(await readMetrics(files, "missing"), []);
});

test.run();
