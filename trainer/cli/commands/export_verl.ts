/**
 * `toolrl export verl-dataset <task> --n N --out F`: a task's samples as a verl parquet dataset
 * (see core/datasets/verl_dataset.ts for the columns).
 */
import type { CliIO } from "../io.ts";
import { writeNewFile } from "./_new_file.ts";
import { verlDatasetParquet, verlDatasetRows } from "../../../core/datasets/verl_dataset.ts";
import { resolveTask } from "../../train/setup.ts";

export const help = `toolrl export verl-dataset <task> --n N --out FILE [--seed S] [--split train|eval] [--plugin ./p.ts]... [--overwrite]

Writes N samples of <task> as a verl RL dataset in parquet (data_source, prompt, ability, reward_model,
extra_info, agent_name); the prompt is the sample's question as a user message, for verl to render with the
model's chat template and the tool config's tools. An existing FILE is refused unless --overwrite is given.`;

/** Runs the command; returns the exit code. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const [kind, taskName, ...given] = argv;
  const overwrite = given.includes("--overwrite");
  const rest = given.filter((arg) => arg !== "--overwrite");
  if (kind === "--help" || kind === undefined) {
    io.stdout(help + "\n");
    return kind === undefined ? 2 : 0;
  }
  if (kind !== "verl-dataset") throw new Error(`export kind ${JSON.stringify(kind)} is not known; the one kind is verl-dataset`);
  if (!taskName) throw new Error("toolrl export verl-dataset needs a task name");
  const flags: Record<string, string> = {};
  const plugins: string[] = [];
  for (let i = 0; i < rest.length; i += 2) {
    const [name, value] = [rest[i], rest[i + 1]];
    if (!["--n", "--out", "--seed", "--split", "--plugin"].includes(name)) {
      throw new Error(`unknown option ${JSON.stringify(name)}; see toolrl export --help`);
    }
    if (value === undefined) throw new Error(`${name} needs a value`);
    if (name === "--plugin") plugins.push(value);
    else flags[name] = value;
  }
  if (!flags["--out"]) throw new Error("toolrl export verl-dataset needs --out FILE");
  const task = await resolveTask(taskName, plugins);
  const rows = verlDatasetRows(task, {
    n: Number(flags["--n"] ?? 1000),
    seed: Number(flags["--seed"] ?? 0),
    split: (flags["--split"] ?? "train") as "train" | "eval",
  });
  await writeNewFile(flags["--out"], verlDatasetParquet(rows), { overwrite });
  io.stderr(`toolrl export: ${rows.length} rows of ${task.name} → ${flags["--out"]}\n`);
  return 0;
}
