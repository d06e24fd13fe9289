/**
 * `toolrl export verl-dataset <task> --n N --out F`: a task's samples as a verl parquet dataset
 * (see core/datasets/verl_dataset.ts for the columns).
 */
import type { CliIO } from "../io.ts";
import { writeNewFile } from "./new_file.ts";
import { verlDatasetParquet, verlDatasetRows } from "../../core/datasets/verl_dataset.ts";
import { resolveTask } from "../../trainer/run/setup.ts";
import { pluginImporter } from "../plugin_import_node.ts";
import { readFlags } from "./flags.ts";

const FLAGS = { n: "number", out: "string", seed: "number", split: "string", plugin: "list", overwrite: "boolean" } as const;

export const help = `toolrl export verl-dataset <task> --n N --out FILE [--seed S] [--split train|eval] [--plugin ./p.ts]... [--overwrite]

Writes N samples of <task> as a verl RL dataset in parquet (data_source, prompt, ability, reward_model,
extra_info, agent_name); the prompt is the sample's question as a user message, for verl to render with the
model's chat template and the tool config's tools. An existing FILE is refused unless --overwrite is given.`;

/** Runs the command; returns the exit code. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const [kind, taskName, ...given] = argv;
  if (kind === "--help" || kind === undefined) {
    io.stdout(help + "\n");
    return kind === undefined ? 2 : 0;
  }
  if (kind !== "verl-dataset") throw new Error(`export kind ${JSON.stringify(kind)} is not known; the one kind is verl-dataset`);
  if (!taskName) throw new Error("toolrl export verl-dataset needs a task name");
  const { flags, positional } = readFlags(given, FLAGS);
  if (positional.length > 0) throw new Error(`unexpected argument ${JSON.stringify(positional[0])}; see toolrl export --help`);
  const out = flags.out as string | undefined;
  if (!out) throw new Error("toolrl export verl-dataset needs --out FILE");
  const split = String(flags.split ?? "train");
  if (split !== "train" && split !== "eval") throw new Error(`--split must be train or eval, got "${split}"`);
  const task = await resolveTask(taskName, (flags.plugin as string[] | undefined) ?? [], { importModule: await pluginImporter() });
  const rows = verlDatasetRows(task, {
    n: Number(flags.n ?? 1000),
    seed: Number(flags.seed ?? 0),
    split,
  });
  await writeNewFile(out, verlDatasetParquet(rows), { overwrite: flags.overwrite === true });
  io.stderr(`toolrl export: ${rows.length} rows of ${task.name} → ${out}\n`);
  return 0;
}
