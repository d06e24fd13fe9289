// LoRA through the CLI: a run with --set lora.* trains only the adapters (and the value head), saves them as PEFT
// does beside the untouched base weights, resumes from them with --init, and merge-lora folds them in exactly.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFile } from "node:fs/promises";
import { decodeSafetensors } from "../../trainer/engine/io/safetensors/safetensors.ts";
import { main } from "../main.ts";
import { memoryIO } from "../io.ts";
import { tempRunDir, TINY_TRAIN_FLAGS } from "../../trainer/run/testing/tiny_run.ts";

const TINY = [...TINY_TRAIN_FLAGS, "--sft-steps", "3", "--eval-n", "2"];
const LORA = ["--set", "lora.rank=4", "--set", "lora.alpha=8", "--set", 'lora.targetModules=["q_proj","v_proj","down_proj"]'];

const tensors = async (path: string) => decodeSafetensors(new Uint8Array(await readFile(path))).tensors;
const logits = async (dir: string) => {
  const io = memoryIO();
  assert.is(await main(["logits", dir, "--text", "What is 12+7?"], io), 0, io.err);
  return (JSON.parse(io.out).logits as number[][]).flat();
};

test("a LoRA run trains only the adapters, saves them as PEFT does, continues with --init and merges exactly", async () => {
  const dir = await tempRunDir();
  try {
    const run = `${dir.path}/run`;
    const io = memoryIO();
    assert.is(await main(["train", "calculator", ...TINY, ...LORA, "--out", run], io), 0, io.err);
    const config = JSON.parse(await readFile(`${run}/checkpoint/adapter_config.json`, "utf8"));
    assert.equal([config.peft_type, config.r, config.lora_alpha, config.target_modules, config.base_model_name_or_path],
      ["LORA", 4, 8, ["q_proj", "v_proj", "down_proj"], "."]);
    const adapters = await tensors(`${run}/checkpoint/adapter_model.safetensors`);
    assert.equal([...adapters.keys()].sort(), [
      "base_model.model.model.layers.0.mlp.down_proj.lora_A.weight", "base_model.model.model.layers.0.mlp.down_proj.lora_B.weight",
      "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", "base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight",
      "base_model.model.model.layers.0.self_attn.v_proj.lora_A.weight", "base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight",
    ]);
    assert.ok([...adapters.values()].every((t) => t.data.some((v) => v !== 0)), "every adapter trained, B included");
    // the base weights after SFT and RL are the reference's, bit for bit: only the adapters moved
    const base = await tensors(`${run}/checkpoint/model.safetensors`);
    const reference = await tensors(`${run}/reference/model.safetensors`);
    for (const [name, t] of reference) assert.ok(t.data.every((v, i) => v === base.get(name)!.data[i]), name);
    const adapted = await logits(`${run}/checkpoint`);
    const plain = await logits(`${run}/reference`);
    assert.ok(adapted.some((v, i) => v !== plain[i]), "the adapters change the logits");

    const mergeIO = memoryIO();
    assert.is(await main(["merge-lora", `${run}/checkpoint`, `${dir.path}/merged`], mergeIO), 0, mergeIO.err);
    assert.is(JSON.parse(mergeIO.out).merged, 3);
    const merged = await logits(`${dir.path}/merged`);
    const worst = Math.max(...merged.map((v, i) => Math.abs(v - adapted[i])));
    assert.ok(worst < 1e-5, `merged logits differ by ${worst}`);

    const again = memoryIO();
    const next = `${dir.path}/next`;
    assert.is(await main(["train", "calculator", ...TINY, "--algo", "grpo", "--init", `${run}/checkpoint`, "--out", next], again), 0, again.err);
    const continued = await tensors(`${next}/checkpoint/adapter_model.safetensors`);
    assert.equal([...continued.keys()].sort(), [...adapters.keys()].sort());
  } finally {
    await dir.cleanup();
  }
});

test("--init of an adapter folder with a lora setting is refused, naming the adapters' rank", async () => {
  const dir = await tempRunDir();
  try {
    const run = `${dir.path}/run`;
    assert.is(await main(["train", "calculator", ...TINY, ...LORA, "--steps", "1", "--out", run], memoryIO()), 0);
    const io = memoryIO();
    assert.is(await main(["train", "calculator", ...TINY, ...LORA, "--init", `${run}/checkpoint`, "--out", `${dir.path}/b`], io), 1);
    assert.match(io.err, /already holds LoRA adapters \(rank 4\)/);
  } finally {
    await dir.cleanup();
  }
});

test.run();
