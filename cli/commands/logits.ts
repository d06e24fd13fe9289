/**
 * `toolrl logits <checkpoint-dir> --text T | --tokens IDS`: the engine's next-token logits from the saved
 * weights, as JSON `{"tokens": [...], "logits": [[...V], ...], "backend": ...}` (one row per token), so other
 * tools can check parity with the same checkpoint, on the cpu reference or on WebGPU.
 */
import type { CliIO } from "../io.ts";
import { tryReadFlags } from "./flags.ts";
import type { Backend } from "../../trainer/engine/backend/backend.ts";
import { loadCheckpoint } from "../../trainer/engine/io/checkpoint/load_checkpoint.ts";
import { defaultFileSystem } from "../../trainer/engine/io/fs/fs.ts";
import { readPeftAdapter } from "../../trainer/engine/io/lora/peft_adapter.ts";
import { loadModel } from "../../trainer/run/checkpoint.ts";
import { createModel } from "../../trainer/engine/model/model.ts";

export const help = `toolrl logits <checkpoint-dir> (--text T | --tokens IDS) [--backend cpu|webgpu] [--allow-nonfinite]

Loads a checkpoint folder (config.json + model.safetensors, or a Hugging Face model folder with
tokenizer.json) and prints one JSON object on stdout:
  {"tokens": [id, ...], "logits": [[...], ...], "backend": "cpu"}
with one row of vocabulary-sized logits per token (row t scores the token after position t); on webgpu
"adapter" names the GPU adapter that ran it.
  --text T           the text to encode with the checkpoint's tokenizer
  --tokens IDS       token ids instead of text, comma-separated (--tokens 1,2,3); the folder then needs
                     no tokenizer (as one written by transformers' save_pretrained)
  --backend B        cpu (the TypeScript reference, default) or webgpu
  --allow-nonfinite  load NaN/infinite weights instead of refusing them (non-finite logits still exit 1)`;

interface LogitsArgs {
  dir: string;
  text: string | null;
  tokens: number[] | null;
  backend: "cpu" | "webgpu";
  allowNonfinite: boolean;
}

/**
 * Reads `--tokens 1,2,3`: non-negative integer ids; returns an error sentence naming the bad entry instead.
 *
 * @example parseTokenIds("5, 7,9"); // [5, 7, 9]
 */
export function parseTokenIds(value: string): number[] | string {
  const parts = value.split(",").map((part) => part.trim());
  if (parts.length === 1 && parts[0] === "") return "--tokens is empty; give ids as in --tokens 1,2,3";
  const ids: number[] = [];
  for (const part of parts) {
    if (!/^\d+$/.test(part) || !Number.isSafeInteger(Number(part))) {
      return `--tokens entry ${JSON.stringify(part)} is not a non-negative integer id; give ids as in --tokens 1,2,3`;
    }
    ids.push(Number(part));
  }
  return ids;
}

/** Reads `<dir> --text T | --tokens IDS`; returns an error sentence instead when the arguments are wrong. */
function parseArgs(argv: string[]): LogitsArgs | string {
  const read = tryReadFlags(argv, { text: "string", tokens: "string", backend: "string", "allow-nonfinite": "boolean" });
  if (typeof read === "string") return read;
  const { flags, positional } = read;
  if (positional.length > 1) return `unexpected argument ${JSON.stringify(positional[1])}`;
  if (positional.length === 0) return "no checkpoint folder";
  if (flags.text !== undefined && flags.tokens !== undefined) return "give --text or --tokens, not both";
  if (flags.text === undefined && flags.tokens === undefined) return "no --text (or --tokens)";
  const tokens = flags.tokens === undefined ? null : parseTokenIds(String(flags.tokens));
  if (typeof tokens === "string") return tokens;
  const backend = String(flags.backend ?? "cpu");
  if (backend !== "cpu" && backend !== "webgpu") return `--backend must be cpu or webgpu, got ${JSON.stringify(backend)}`;
  return {
    dir: positional[0],
    text: flags.text === undefined ? null : String(flags.text),
    tokens,
    backend,
    allowNonfinite: flags["allow-nonfinite"] === true,
  };
}

/** The WebGPU backend, loaded only when asked for (it needs navigator.gpu or Dawn). */
async function webgpu(): Promise<Backend & { adapter: unknown; destroy(): void }> {
  const { createWebGpuBackend } = await import("../../trainer/engine/webgpu/webgpu_backend.ts");
  return await createWebGpuBackend();
}

/** Runs `toolrl logits`; exit code 2 for bad options, 1 when the logits are not finite (never printed as null). */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === "string") {
    io.stderr(`toolrl logits: ${args}; usage: toolrl logits <checkpoint-dir> --text T (or --tokens 1,2,3)\n`);
    return 2;
  }
  const { dir, text, allowNonfinite } = args;
  // a LoRA adapter folder: its base model with the adapters on top
  const adapted = (await readPeftAdapter(dir, { fs: await defaultFileSystem() })) !== null;
  const checkpoint = adapted ? null : await loadCheckpoint(dir, { allowNonfinite, allowMissingTokenizer: args.tokens !== null });
  const gpu = args.backend === "webgpu" ? await webgpu() : null;
  try {
    const backend = gpu ?? undefined;
    const model = checkpoint
      ? await createModel(checkpoint.config, { tokenizer: checkpoint.tokenizer, backend, skipInit: true })
      : (await loadModel(dir, { backend })).model;
    if (checkpoint) await model.loadStateDict(new Map([...checkpoint.weights, ...(checkpoint.valueHead ?? [])]));
    const V = model.config.vocabSize;
    const tokens = args.tokens ?? model.tokenizer.encode(text ?? "");
    if (tokens.length === 0) {
      model.dispose();
      io.stderr(`toolrl logits: --text ${JSON.stringify(text)} encodes to no tokens; give some text\n`);
      return 2;
    }
    const outside = tokens.find((id) => id >= V);
    if (outside !== undefined) {
      model.dispose();
      io.stderr(`toolrl logits: token id ${outside} is outside the model's vocabulary of ${V}; give ids below ${V}\n`);
      return 2;
    }
    const logits = await model.logits({ tokens: Int32Array.from(tokens), B: 1, T: tokens.length });
    const bad = logits.findIndex((x) => !Number.isFinite(x));
    model.dispose();
    if (bad !== -1) {
      io.stderr(`toolrl logits: logit ${bad % V} of token ${Math.floor(bad / V)} is ${logits[bad]}; the weights are damaged\n`);
      return 1;
    }
    const rows = tokens.map((_, t) => Array.from(logits.subarray(t * V, (t + 1) * V)));
    io.stdout(JSON.stringify({ tokens, logits: rows, backend: args.backend, ...(gpu ? { adapter: gpu.adapter } : {}) }) + "\n");
    return 0;
  } finally {
    gpu?.destroy();
  }
}
