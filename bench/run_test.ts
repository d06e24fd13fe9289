import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFile } from "node:fs/promises";
import { defaultResultsDir, readJson, temporaryDir } from "./host_node.ts";
import type { DecodeFigures } from "./decode/suite.ts";
import { type BenchResult, formatTable } from "./report.ts";
import { measuredCommand, parseBenchArgs, runBench } from "./run.ts";

test("runBench() --quick on the decode suite writes a results file with machine, runtime, backend, date and figures", async () => {
  const dir = await temporaryDir("toolrl-bench-test-");
  try {
    let out = "", err = "";
    const code = await runBench(["decode", "--quick", "--out-dir", dir.path], {
      stdout: (text) => void (out += text),
      stderr: (text) => void (err += text),
    });
    assert.is(code, 0, err);
    const result = (await readJson(`${dir.path}/decode.json`)) as BenchResult<DecodeFigures>;
    assert.is(result.suite, "decode");
    assert.is(result.quick, true);
    assert.is(result.command, "toolrl bench decode --quick", "where the file went is not part of the command");
    assert.ok(!Number.isNaN(Date.parse(result.date)), result.date);
    assert.ok(result.machine.cpus >= 1 && typeof result.machine.cpuModel === "string" && result.machine.memoryGb >= 0);
    assert.ok(["node", "deno"].includes(result.runtime.name) && result.runtime.version.length > 0);
    assert.match(result.backend, /wasm/);
    const rows = result.figures.rows;
    // the reference at batch 1 and 32, then the wasm engine and onnxruntime-web interleaved per batch
    assert.equal(rows.map((row) => row.batch), [1, 32, 1, 1, 32, 32]);
    assert.match(rows[3].backend, /^onnxruntime-web .* \(2 threads\)$/);
    assert.equal(result.figures.ratios.map((r) => [r.batch, r.sameTokens]), [[1, true], [32, true]]);
    for (const r of result.figures.ratios) assert.ok(r.ratio > 0 && r.baseline === rows[3].backend, JSON.stringify(r));
    for (const row of rows) {
      assert.ok(row.tokensPerSecond > 0 && row.msPerStep > 0, JSON.stringify(row));
      assert.is(row.newTokens, 8);
    }
    assert.is(rows[0].overBatch1, 1);
    assert.ok(Math.abs(rows[1].overBatch1 - rows[1].tokensPerSecond / rows[0].tokensPerSecond) < 1e-9);
    assert.ok(out.includes(result.table), "the table is printed");
  } finally {
    await dir.remove();
  }
});

test("runBench() without --save or --out-dir prints the table and writes no file (a user's clone stays clean)", async () => {
  const recorded = await readFile(`${defaultResultsDir}/decode.json`, "utf8");
  let out = "", err = "";
  const code = await runBench(["decode", "--quick"], { stdout: (text) => void (out += text), stderr: (text) => void (err += text) });
  assert.is(code, 0, err);
  assert.match(out, /## decode/);
  assert.match(err, /wrote no file \(--save writes bench\/results\/, --out-dir DIR elsewhere\)/);
  assert.is(await readFile(`${defaultResultsDir}/decode.json`, "utf8"), recorded, "bench/results/decode.json is untouched");
});

test("parseBenchArgs() writes nowhere by default, to bench/results with --save, to DIR with --out-dir, not both", () => {
  assert.is(parseBenchArgs(["decode"]).outDir, undefined);
  assert.is(parseBenchArgs(["decode", "--save"]).outDir, defaultResultsDir);
  assert.is(parseBenchArgs(["decode", "--out-dir", "x"]).outDir, "x");
  assert.throws(() => parseBenchArgs(["--save", "--out-dir", "x"]), /give --save \(bench\/results\/\) or --out-dir x, not both/);
});

test("parseBenchArgs() reads suites and flags, and names the choices on a bad one", () => {
  const args = parseBenchArgs(["rollout", "latency", "--quick", "--backend", "cpu", "--init", "ckpt"]);
  assert.equal(args.suites, ["rollout", "latency"]);
  assert.is(args.quick, true);
  assert.is(args.backend, "cpu");
  assert.is(args.init, "ckpt");
  assert.throws(() => parseBenchArgs(["rollouts"]), /unknown suite "rollouts"; the suites are decode, kernels/);
  assert.throws(() => parseBenchArgs(["--backend", "cuda"]), /--backend must be one of wasm, cpu, webgpu, got "cuda"/);
  assert.throws(() => parseBenchArgs(["--init"]), /--init needs a value/);
  assert.throws(() => parseBenchArgs(["--fast"]), /unknown option --fast/);
  assert.is(parseBenchArgs(["rollout", "--rounds", "9"]).rounds, 9);
  assert.is(parseBenchArgs(["rollout"]).rounds, undefined);
  assert.throws(() => parseBenchArgs(["--rounds", "0"]), /--rounds must be a whole number >= 1, got "0"/);
});

test("measuredCommand() keeps what was measured and drops where it was written", () => {
  assert.is(measuredCommand(["rollout", "--rounds", "9", "--out-dir", "/tmp/x", "--child"]), "toolrl bench rollout --rounds 9");
  assert.is(measuredCommand(["--save", "train-step"]), "toolrl bench train-step");
});

test("formatTable() pads text left and numbers right with the decimals asked per column", () => {
  const table = formatTable(["task", "tokens/s", "share"], [["calculator", 1234.56, 0.5], ["wiki", NaN, null]], { digits: [0, 0, 2] });
  assert.equal(table.split("\n"), [
    "task        tokens/s  share",
    "----------  --------  -----",
    "calculator      1235   0.50",
    "wiki               -      -",
  ]);
});

test.run();
