/**
 * `toolrl eval <checkpoint> <task>`: greedy rollouts of a checkpoint on held-out samples of a task, one JSON
 * line on stdout.
 */
import { withChatTemplate } from "../../trainer/run/chat_template_task.ts";
import type { CliIO } from "../io.ts";
import { loadModel } from "../../trainer/run/checkpoint.ts";
import { evaluatePolicy, toolOutputLogprob } from "../../trainer/run/evaluate.ts";
import { backendByName, requireFormat, resolveTask } from "../../trainer/run/setup.ts";
import { pluginImporter } from "../plugin_import_node.ts";
import { readFlags } from "./flags.ts";
import { writeNewFile } from "./new_file.ts";
import { episodesToJSONL } from "../../core/episode/episode.ts";

export const help = `toolrl eval <checkpoint> <task> [options]

Rolls out the checkpoint greedily on held-out samples of the task (problems training never draws) and prints
one JSON line: {"task", "n", "accuracy", "tool_call_rate", "error_rate", "calls_per_episode",
"self_written_output_rate", "answered_without_tool_rate", "reward_mean", "reward_std", "response_tokens_mean",
"tool_output_logprob", "format",
"checkpoint"}. tool_output_logprob is the mean logprob per token the model gives the tools' output: near 0 when it
has learned to imitate its tools (tool tokens trained on), far below 0 when they were masked out of training.

  --n N                      held-out samples (default 200)
  --format F                 tool-call format: submit, hermes, react, llama3_json or one a --plugin registers
                             (default: the one the checkpoint was trained with, else submit)
  --seed N                   seed of the held-out draw (default 0)
  --backend cpu|webgpu       engine backend (default cpu)
  --plugin PATH              load a plugin module (repeatable)
  --episodes FILE            also write the rolled-out episodes as JSONL (text, tokens, mask, reward, tool calls),
                             to read the failures; an existing FILE is refused unless --overwrite
  --overwrite                replace FILE given to --episodes`;

const FLAGS = {
  n: "number",
  format: "string",
  seed: "number",
  backend: "string",
  plugin: "list",
  episodes: "string",
  overwrite: "boolean",
} as const;

/** Runs `toolrl eval`. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const { flags, positional } = readFlags(argv, FLAGS);
  if (positional.length !== 2) throw new Error(`give a checkpoint folder and a task, as in "toolrl eval runs/calculator/checkpoint calculator"`);
  const [checkpoint, taskName] = positional;
  const backendName = String(flags.backend ?? "cpu");
  if (backendName !== "cpu" && backendName !== "webgpu") throw new Error(`--backend must be cpu or webgpu, got "${backendName}"`);
  const { model, trainerState } = await loadModel(checkpoint, { backend: await backendByName(backendName) });
  const trainedWith = (trainerState as { config?: { format?: string; task?: string; taskOptions?: Record<string, unknown> } } | null)
    ?.config;
  const trained = trainedWith?.format;
  const formatGiven = String(flags.format ?? trained ?? "submit");
  const n = Number(flags.n ?? 200);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--n must be a positive whole number, got ${n}`);
  // the task as it was trained (the same generated knowledge base, for instance) when the checkpoint says so
  const taskOptions = trainedWith?.task === taskName ? trainedWith.taskOptions : undefined;
  const importModule = await pluginImporter();
  const plainTask = await resolveTask(taskName, (flags.plugin as string[] | undefined) ?? [], { taskOptions, importModule });
  const format = requireFormat(formatGiven); // after the plugins, which may register it
  const task = withChatTemplate(plainTask, model.tokenizer, format);
  const { summary, episodes } = await evaluatePolicy(model, task, {
    format,
    tokenizer: model.tokenizer,
    n,
    seed: Number(flags.seed ?? 0),
    maxBatchSize: 64,
  });
  const logprob = await toolOutputLogprob(model, episodes);
  const toolLogprob = Number.isFinite(logprob) ? Number(logprob.toFixed(4)) : null;
  if (typeof flags.episodes === "string") {
    await writeNewFile(flags.episodes, episodesToJSONL(episodes), { overwrite: flags.overwrite === true });
  }
  io.stdout(JSON.stringify({ task: taskName, ...summary, tool_output_logprob: toolLogprob, format, checkpoint }) + "\n");
  return 0;
}
