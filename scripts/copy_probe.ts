/**
 * How well a calculator checkpoint copies the tool's result, apart from deciding to call the tool: each held-out
 * problem's prompt already holds the call and the tool's correct result (`What is 1 + 49?\n<request><calculator>
 * 1 + 49<call>50<response>`), the model writes only the answer greedily, and an answer scores 1 when its number
 * equals the result. A model that calls the tool but copies badly shows it here; `--sft-tool-rate 0.1` runs are
 * limited by this figure (see docs/training.md).
 *
 *   node --import tsx scripts/copy_probe.ts runs/calculator/checkpoint [n]
 */
import process from "node:process";
import { rolloutTask } from "../core/rollout/rollout_task.ts";
import type { Episode, Task } from "../core/types.ts";
import type { CalculatorSample } from "../plugins/calculator/task.ts";
import { loadModel } from "../trainer/run/checkpoint.ts";
import { backendByName, resolveTask } from "../trainer/run/setup.ts";

const [checkpoint, count = "200"] = process.argv.slice(2);
if (!checkpoint) throw new Error("usage: node --import tsx scripts/copy_probe.ts <checkpoint> [n]");
const { model } = await loadModel(checkpoint, { backend: await backendByName("cpu") });
const base = (await resolveTask("calculator", [])) as Task<CalculatorSample>;
const given: Task<CalculatorSample> = {
  ...base,
  prompt: (sample, format) => `${base.prompt(sample, format)}<request><calculator>${sample.expression}<call>${sample.answer}<response>`,
  verifier: {
    name: "copied",
    score: (episode: Episode, sample) => (/Result = (-?\d+(\.\d+)?)/.exec(episode.response())?.[1] === String(sample.answer) ? 1 : 0),
  },
};
const samples = given.samples({ seed: 0, n: Number(count), split: "eval" });
const { episodes } = await rolloutTask(given, {
  policy: model,
  tokenizer: model.tokenizer,
  format: "submit",
  samples,
  sampling: { temperature: 0, seed: 0 },
  maxBatchSize: 64,
});
const copied = episodes.filter((episode) => episode.reward === 1).length;
console.log(JSON.stringify({ checkpoint, n: episodes.length, copied: copied / episodes.length }));
