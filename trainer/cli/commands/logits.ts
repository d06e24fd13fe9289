/**
 * `toolrl logits <checkpoint-dir> --text T`: the engine's next-token logits for T from the saved
 * weights, as JSON `{"tokens": [...], "logits": [[...V], ...]}` (one row per token), so other tools
 * can check parity with the same checkpoint.
 */
import type { CliIO } from "../io.ts";
import { loadCheckpoint } from "../../engine/io/checkpoint/load_checkpoint.ts";
import { createModel } from "../../engine/model/model.ts";

export const help = `toolrl logits <checkpoint-dir> --text T

Loads a checkpoint folder (config.json + model.safetensors, or a Hugging Face model folder with
tokenizer.json) and prints one JSON object on stdout:
  {"tokens": [id, ...], "logits": [[...], ...]}
with one row of vocabulary-sized logits per token of T (row t scores the token after position t).
  --text T    the text to encode with the checkpoint's tokenizer (required)`;

/** Reads `<dir> --text T`; returns an error sentence instead when the arguments are wrong. */
function parseArgs(argv: string[]): { dir: string; text: string } | string {
  let dir: string | undefined, text: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--text") text = argv[++i];
    else if (arg.startsWith("--text=")) text = arg.slice("--text=".length);
    else if (arg.startsWith("--")) return `unknown option ${JSON.stringify(arg)}`;
    else if (dir === undefined) dir = arg;
    else return `unexpected argument ${JSON.stringify(arg)}`;
  }
  if (dir === undefined) return "no checkpoint folder";
  if (text === undefined) return "no --text";
  return { dir, text };
}

/** Runs `toolrl logits`; exit code 2 for bad options. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === "string") {
    io.stderr(`toolrl logits: ${args}; usage: toolrl logits <checkpoint-dir> --text T\n`);
    return 2;
  }
  const { dir, text } = args;
  const checkpoint = await loadCheckpoint(dir);
  const model = await createModel(checkpoint.config, { tokenizer: checkpoint.tokenizer });
  await model.loadStateDict(new Map([...checkpoint.weights, ...(checkpoint.valueHead ?? [])]));
  const tokens = checkpoint.tokenizer.encode(text);
  if (tokens.length === 0) {
    io.stderr(`toolrl logits: --text ${JSON.stringify(text)} encodes to no tokens; give some text\n`);
    return 2;
  }
  const V = checkpoint.config.vocabSize;
  const logits = await model.logits({ tokens: Int32Array.from(tokens), B: 1, T: tokens.length });
  const rows = tokens.map((_, t) => Array.from(logits.subarray(t * V, (t + 1) * V)));
  io.stdout(JSON.stringify({ tokens, logits: rows }) + "\n");
  model.dispose();
  return 0;
}
