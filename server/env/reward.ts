/** `POST /reward`: a task's verifier over a completion, for trainers that only want the score. */
import { createEpisode, appendSegment } from "../../core/episode/episode.ts";
import { getFormat } from "../../core/formats/registry.ts";
import { charTokenizer } from "../../core/tokenizer/char_tokenizer.ts";
import type { FormatName, Sample, Task } from "../../core/types.ts";
import { pickTask } from "./sessions.ts";

const tokenizer = charTokenizer();

/** Finds a sample by the id a reset reported (`<task>/<split>/<seed>/<k>`). */
function sampleById(task: Task, id: string): Sample {
  const match = /\/(train|eval)\/(\d+)\/(\d+)$/.exec(id);
  const found = match ? task.samples({ split: match[1] as "train" | "eval", seed: Number(match[2]), n: Number(match[3]) + 1 })[Number(match[3])] : undefined;
  if (!found || found.id !== id) throw new Error(`sample_id ${JSON.stringify(id)} is not a sample of ${task.name}; send the sample itself`);
  return found;
}

/** Scores one item `{task, sample | sample_id, completion | messages, format}`. */
async function scoreOne(tasks: readonly Task[], item: Record<string, unknown>) {
  const task = pickTask(tasks, item.task);
  const sample = item.sample !== undefined ? item.sample as Sample : sampleById(task, String(item.sample_id));
  const format = getFormat((item.format ?? "hermes") as FormatName).name;
  const episode = createEpisode({ id: crypto.randomUUID(), prompt: task.prompt(sample, format), tokenizer, sample, format });
  if (typeof item.completion === "string") appendSegment(episode, "model", item.completion);
  else if (Array.isArray(item.messages)) {
    for (const message of item.messages as { role: string; content: string }[]) {
      if (message.role === "assistant") appendSegment(episode, "model", String(message.content ?? ""));
      else if (message.role === "tool") appendSegment(episode, "tool", String(message.content ?? ""));
    }
  } else throw new Error(`item ${JSON.stringify(item).slice(0, 120)} needs completion (a string) or messages`);
  const score = await task.verifier.score(episode, sample);
  return { score, parts: { [task.verifier.name]: score } };
}

/** One item, or `{items: [...]}` → `{results: [...]}`. */
export async function scoreRequest(tasks: readonly Task[], data: Record<string, unknown>): Promise<unknown> {
  if (Array.isArray(data.items)) return { results: await Promise.all(data.items.map((item) => scoreOne(tasks, item))) };
  return scoreOne(tasks, data);
}
