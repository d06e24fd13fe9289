/**
 * `toolrl init-model <out>`: writes a random-init checkpoint of a real architecture (Qwen3 by default) with a
 * real Hugging Face tokenizer and its chat template: `config.json`, `model.safetensors`, `value_head.safetensors`
 * and the tokenizer files, a folder `toolrl train --init` and transformers load as they are.
 */
import type { CliIO } from "../io.ts";
import { saveCheckpoint } from "../../trainer/engine/io/checkpoint/save_checkpoint.ts";
import { defaultFileSystem } from "../../trainer/engine/io/fs/fs.ts";
import { loadHfTokenizer } from "../../trainer/engine/io/tokenizer/hf_tokenizer.ts";
import { createModel } from "../../trainer/engine/model/model.ts";
import type { ModelConfig } from "../../trainer/engine/types.ts";
import { readFlags } from "./flags.ts";

export const help = `toolrl init-model <out> --tokenizer DIR [options]

Writes a checkpoint with random weights (normal, std 0.02) in the architecture given, with the tokenizer and
chat template of DIR (tokenizer.json + tokenizer_config.json, e.g. a Qwen3 model folder). vocab_size is the
tokenizer's size. Then: toolrl train <task> --init <out> --format hermes.

  --tokenizer DIR        the Hugging Face tokenizer folder (required)
  --family F             qwen3 | qwen2 | llama (default qwen3)
  --layers N             num_hidden_layers (default 2)
  --hidden C             hidden_size (default 64)
  --heads NH             num_attention_heads (default 4)
  --kv-heads NKV         num_key_value_heads (default 2)
  --head-dim HS          head_dim (default 32, twice hidden / heads as in Qwen3-0.6B)
  --intermediate H       intermediate_size (default 192)
  --max-positions T      max_position_embeddings (default 2048)
  --rope-theta THETA     rope_theta (default 1000000)
  --untied               an lm_head of its own (default: tied to embed_tokens, as in Qwen3-0.6B)
  --seed N               seed of the weights (default 0)
  --overwrite            replace an existing <out>`;

const FLAGS = {
  tokenizer: "string",
  family: "string",
  layers: "number",
  hidden: "number",
  heads: "number",
  "kv-heads": "number",
  "head-dim": "number",
  intermediate: "number",
  "max-positions": "number",
  "rope-theta": "number",
  untied: "boolean",
  seed: "number",
  overwrite: "boolean",
} as const;

const FAMILIES = ["qwen3", "qwen2", "llama"] as const;

/** Runs `toolrl init-model`; prints `{"out", "family", "parameters", "vocabSize"}` on stdout. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const { flags, positional } = readFlags(argv, FLAGS);
  if (positional.length !== 1) throw new Error(`give one output folder, as in "toolrl init-model runs/qwen3-tiny --tokenizer DIR" (got ${positional.length})`);
  if (typeof flags.tokenizer !== "string") throw new Error("--tokenizer DIR is required: a folder with tokenizer.json and tokenizer_config.json");
  const family = (flags.family ?? "qwen3") as ModelConfig["family"];
  if (!(FAMILIES as readonly string[]).includes(family)) throw new Error(`--family must be one of ${FAMILIES.join(", ")}, got "${family}"`);
  const out = positional[0];
  const fs = await defaultFileSystem();
  if ((await fs.exists(out)) && flags.overwrite !== true) throw new Error(`${out} exists; pass --overwrite to replace it`);
  const tokenizer = await loadHfTokenizer(flags.tokenizer);
  const number = (name: keyof typeof FLAGS, fallback: number) => (flags[name] as number | undefined) ?? fallback;
  const config: ModelConfig = {
    family,
    vocabSize: tokenizer.vocabSize,
    maxSeqLen: number("max-positions", 2048),
    nLayer: number("layers", 2),
    nHead: number("heads", 4),
    nKvHead: number("kv-heads", 2),
    nEmbd: number("hidden", 64),
    headDim: number("head-dim", 32),
    nInner: number("intermediate", 192),
    normEps: 1e-6,
    ropeTheta: number("rope-theta", 1000000),
    qkvBias: family === "qwen2",
    tieEmbeddings: flags.untied !== true,
  };
  if (config.headDim === config.nEmbd / config.nHead) delete config.headDim;
  const model = await createModel(config, { tokenizer, seed: number("seed", 0) });
  await saveCheckpoint(out, { config, weights: await model.stateDict(), tokenizer });
  io.stdout(JSON.stringify({ out, family, parameters: model.parameterCount, vocabSize: config.vocabSize }) + "\n");
  model.dispose();
  return 0;
}
