/**
 * The `toolrl` command line: one dispatcher, one module per command under `commands/`.
 * Each command module exports `run(argv, io)` and a one-paragraph `help`.
 *
 * @example
 * ```sh
 * toolrl parse --format hermes < model_output.txt
 * ```
 */
import { cliIO, type CliIO } from "./io.ts";

/** A command module: `help` text and `run(argv, io)` returning the exit code. */
export interface Command {
  help: string;
  run(argv: string[], io: CliIO): Promise<number>;
}

const commands: Record<string, () => Promise<Command>> = {
  train: () => import("./commands/train.ts"),
  eval: () => import("./commands/eval.ts"),
  serve: () => import("./commands/serve.ts"),
  parse: () => import("./commands/parse.ts"),
  logits: () => import("./commands/logits.ts"),
  "export-onnx": () => import("./commands/export_onnx.ts"),
  export: () => import("./commands/export_verl.ts"),
  bench: () => import("./commands/bench.ts"),
  template: () => import("./commands/template.ts"),
  "init-model": () => import("./commands/init_model.ts"),
  "merge-lora": () => import("./commands/merge_lora.ts"),
};

const usage = `toolrl — teach language models to use tools with reinforcement learning

usage: toolrl <command> [options]

commands:
  train <task>                      SFT warm-up + RL on a built-in or --plugin task
  eval <checkpoint> <task>          accuracy on held-out samples (JSON on stdout)
  serve                             the tool server (hono)
  parse --format F                  model text on stdin -> JSON tool calls on stdout
  logits <checkpoint> --text T      the engine's logits for T (JSON)
  export-onnx <checkpoint> <dir>    a folder transformers.js loads (ONNX + config + tokenizer)
  export verl-dataset <task>        a task's samples as a verl parquet dataset (--n N --out F)
  bench [suite...] [--quick]        the benchmarks: tables (--save: JSON in bench/results/)
  template <model-dir>              chat JSON on stdin -> the model's chat template rendered, exactly
  init-model <out> --tokenizer DIR  a random-init Qwen3 (or Qwen2, Llama) checkpoint with a real tokenizer
  merge-lora <adapter-dir> <out>    LoRA adapters merged into their base weights, a plain checkpoint

toolrl <command> --help shows a command's options.`;

/** Runs the CLI with `argv` (without the runtime and script names) and returns the exit code. */
export async function main(argv: string[], io: CliIO = cliIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout(usage + "\n");
    return name === undefined ? 2 : 0;
  }
  const load = commands[name];
  if (!load) {
    io.stderr(`toolrl: unknown command "${name}"; run "toolrl --help" for the list.\n`);
    return 2;
  }
  let command: Command;
  try {
    command = await load();
  } catch (error) {
    io.stderr(`toolrl: command "${name}" is not available: ${(error as Error).message}\n`);
    return 1;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout(command.help + "\n");
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    io.stderr(`toolrl ${name}: ${(error as Error).message}\n`);
    return 1;
  }
}

// deno-lint-ignore no-explicit-any
if ((import.meta as any).main) {
  // Deno entry (`deno task toolrl ...`); Node enters through bin/toolrl.mjs.
  const { exitProcess, processArgs } = await import("./io.ts");
  exitProcess(await main(processArgs()));
}
