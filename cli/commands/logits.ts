/**
 * `toolrl logits <checkpoint-dir> --text T`: the engine's next-token logits for T from the saved
 * weights, as JSON `{"tokens": [...], "logits": [[...V], ...]}` (one row per token), so other tools
 * can check parity with the same checkpoint.
 */
import type { CliIO } from "../io.ts";
import { tryReadFlags } from "./flags.ts";
import { loadCheckpoint } from "../../trainer/engine/io/checkpoint/load_checkpoint.ts";
import { defaultFileSystem } from "../../trainer/engine/io/fs/fs.ts";
import { readPeftAdapter } from "../../trainer/engine/io/lora/peft_adapter.ts";
import { loadModel } from "../../trainer/run/checkpoint.ts";
import { createModel } from "../../trainer/engine/model/model.ts";

export const help = `toolrl logits <checkpoint-dir> --text T [--allow-nonfinite]

Loads a checkpoint folder (config.json + model.safetensors, or a Hugging Face model folder with
tokenizer.json) and prints one JSON object on stdout:
  {"tokens": [id, ...], "logits": [[...], ...]}
with one row of vocabulary-sized logits per token of T (row t scores the token after position t).
  --text T           the text to encode with the checkpoint's tokenizer (required)
  --allow-nonfinite  load NaN/infinite weights instead of refusing them (non-finite logits still exit 1)`;

/** Reads `<dir> --text T`; returns an error sentence instead when the arguments are wrong. */
function parseArgs(argv: string[]): { dir: string; text: string; allowNonfinite: boolean } | string {
  const read = tryReadFlags(argv, { text: "string", "allow-nonfinite": "boolean" });
  if (typeof read === "string") return read;
  const { flags, positional } = read;
  if (positional.length > 1) return `unexpected argument ${JSON.stringify(positional[1])}`;
  if (positional.length === 0) return "no checkpoint folder";
  if (flags.text === undefined) return "no --text";
  return { dir: positional[0], text: String(flags.text), allowNonfinite: flags["allow-nonfinite"] === true };
}

/** Runs `toolrl logits`; exit code 2 for bad options, 1 when the logits are not finite (never printed as null). */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === "string") {
    io.stderr(`toolrl logits: ${args}; usage: toolrl logits <checkpoint-dir> --text T\n`);
    return 2;
  }
  const { dir, text, allowNonfinite } = args;
  // a LoRA adapter folder: its base model with the adapters on top
  const adapted = (await readPeftAdapter(dir, { fs: await defaultFileSystem() })) !== null;
  const checkpoint = adapted ? null : await loadCheckpoint(dir, { allowNonfinite });
  const model = checkpoint
    ? await createModel(checkpoint.config, { tokenizer: checkpoint.tokenizer })
    : (await loadModel(dir)).model;
  if (checkpoint) await model.loadStateDict(new Map([...checkpoint.weights, ...(checkpoint.valueHead ?? [])]));
  const tokens = model.tokenizer.encode(text);
  if (tokens.length === 0) {
    io.stderr(`toolrl logits: --text ${JSON.stringify(text)} encodes to no tokens; give some text\n`);
    return 2;
  }
  const V = model.config.vocabSize;
  const logits = await model.logits({ tokens: Int32Array.from(tokens), B: 1, T: tokens.length });
  const bad = logits.findIndex((x) => !Number.isFinite(x));
  model.dispose();
  if (bad !== -1) {
    io.stderr(`toolrl logits: logit ${bad % V} of token ${Math.floor(bad / V)} is ${logits[bad]}; the weights are damaged\n`);
    return 1;
  }
  const rows = tokens.map((_, t) => Array.from(logits.subarray(t * V, (t + 1) * V)));
  io.stdout(JSON.stringify({ tokens, logits: rows }) + "\n");
  return 0;
}
