// A tool-call format from a plugin reaches every CLI command that takes --format: train and eval accept
// `--plugin ./examples/format_plugin/mod.ts --format mistral` (the registry judges the name after the plugins
// load), parse reads the format's calls, and an unknown name is refused with the registered names.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFile } from "node:fs/promises";
import { main } from "../main.ts";
import { memoryIO } from "../io.ts";
import { tempRunDir } from "../../trainer/run/testing/tiny_run.ts";

const PLUGIN = "./examples/format_plugin/mod.ts";
const TINY = [
  "--steps", "1", "--sft-steps", "2", "--eval-n", "2", "--checkpoint-every", "1",
  "--set", "model.nLayer=1", "--set", "model.nEmbd=32", "--set", "model.nHead=2", "--set", "model.nKvHead=1",
  "--set", "model.nInner=64", "--set", "model.maxSeqLen=192",
  "--set", "limits.maxTurns=2", "--set", "limits.maxNewTokensPerTurn=64",
  "--set", "sft.batchSize=4", "--set", "sft.demonstrations=8",
  "--set", "ppo.batchSize=2", "--set", "ppo.miniBatchSize=2", "--set", "ppo.ppoEpochs=1",
];

test("without its plugin a format is refused by train, eval and parse, naming the registered formats", async () => {
  const dir = await tempRunDir();
  try {
    const trainIO = memoryIO();
    assert.is(await main(["train", "calculator", ...TINY, "--format", "mistral", "--out", dir.path], trainIO), 1);
    assert.match(trainIO.err, '--format must be one of submit, hermes, react, llama3_json or a format a --plugin registers, got "mistral"');
    const parseIO = memoryIO("x");
    assert.is(await main(["parse", "--format", "mistral"], parseIO), 2);
    assert.match(parseIO.err, "give --format submit, hermes, react or llama3_json (or load a format's plugin with --plugin)");
  } finally {
    await dir.cleanup();
  }
});

test("toolrl train --plugin P --format mistral trains in the plugin's format, and toolrl eval reads it back", async () => {
  const dir = await tempRunDir();
  try {
    const io = memoryIO();
    assert.is(await main(["train", "calculator", ...TINY, "--plugin", PLUGIN, "--format", "mistral", "--out", dir.path], io), 0, io.err);
    assert.match(io.out, /calculator \(ppo, mistral\)/);
    const state = JSON.parse(await readFile(`${dir.path}/checkpoint/trainer_state.json`, "utf8"));
    assert.is(state.config.format, "mistral");
    // the fresh model's tokenizer has the format's tags as single tokens
    const tokenizer = JSON.parse(await readFile(`${dir.path}/checkpoint/char_tokenizer.json`, "utf8"));
    for (const tag of ["[TOOL_CALLS]", "[TOOL_RESULTS]", "[/TOOL_RESULTS]"]) assert.ok(tokenizer.specials.includes(tag), tag);
    const evalIO = memoryIO();
    assert.is(await main(["eval", `${dir.path}/checkpoint`, "calculator", "--n", "2", "--plugin", PLUGIN], evalIO), 0, evalIO.err);
    const result = JSON.parse(evalIO.out);
    assert.is(result.format, "mistral");
    assert.is(result.n, 2);
    const bogus = memoryIO();
    assert.is(await main(["eval", `${dir.path}/checkpoint`, "calculator", "--n", "2", "--format", "bogus"], bogus), 1);
    assert.match(bogus.err, /--format must be one of submit, hermes, react, llama3_json, mistral or a format a --plugin registers, got "bogus"/);
  } finally {
    await dir.cleanup();
  }
});

test("toolrl parse --plugin P --format mistral prints the format's calls", async () => {
  const io = memoryIO('[TOOL_CALLS][{"name":"calculator","arguments":{"expression":"2+3"}}]</s>');
  assert.is(await main(["parse", "--plugin", PLUGIN, "--format", "mistral"], io), 0, io.err);
  assert.equal(JSON.parse(io.out), { calls: [{ name: "calculator", arguments: { expression: "2+3" } }], final: null, errors: [] });
});

test.run();
