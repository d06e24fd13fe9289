// rolloutTask is rollout() over a task's samples: its prompts, tools, verifier, and its limits under the caller's.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { solverPolicy } from "../policy/solver.ts";
import { charTokenizer } from "../tokenizer/char_tokenizer.ts";
import { addTask as task } from "./testing/tools.ts";
import { rolloutTask } from "./rollout_task.ts";
import { rollout } from "./rollout.ts";
import { submitParser } from "../formats/submit.ts";
import type { Episode } from "../types.ts";

const tokenizer = charTokenizer();

test("each sample is rolled out `repeats` times in order, prompted and verified", async () => {
  const samples = task.samples({ seed: 3, n: 3 });
  const { episodes, errors } = await rolloutTask(task, {
    policy: solverPolicy(task, "submit", tokenizer, samples), tokenizer, format: "submit", samples, repeats: 2,
  });
  assert.equal(errors, []);
  assert.equal(episodes.map((e) => e.sample), [samples[0], samples[0], samples[1], samples[1], samples[2], samples[2]]);
  assert.ok(episodes.every((e, i) => e.text().startsWith(task.prompt(samples[i >> 1], "submit"))));
  assert.equal(episodes.map((e) => e.reward), [1, 1, 1, 1, 1, 1]);
});

test("every episode carries its format and sample id, the verifier sees them, and its record keeps them", async () => {
  const samples = task.samples({ seed: 1, n: 2 });
  const seen: string[] = [];
  const verifier = { name: "sees", score: (e: Episode) => (seen.push(`${e.format}/${e.sampleId}`), 1) };
  const { episodes } = await rolloutTask({ ...task, verifier }, {
    policy: solverPolicy(task, "submit", tokenizer, samples), tokenizer, format: "submit", samples,
  });
  assert.equal(episodes.map((e) => [e.format, e.sampleId]), [["submit", "s0"], ["submit", "s1"]]);
  assert.equal(seen.sort(), ["submit/s0", "submit/s1"]);
  assert.equal([episodes[0].toJSON().format, episodes[0].toJSON().sampleId], ["submit", "s0"]);
});

test("rollout() with a parser and no format names the episodes' format after the parser", async () => {
  const samples = task.samples({ seed: 1, n: 1 });
  const { episodes } = await rollout({
    policy: solverPolicy(task, "submit", tokenizer, samples), tokenizer, parser: submitParser, tools: task.tools,
    items: samples.map((sample) => ({ prompt: task.prompt(sample, "submit"), sample })),
  });
  assert.equal([episodes[0].format, episodes[0].sampleId], ["submit", "s0"]);
});

test("the task's limits apply, and the caller's override them", async () => {
  const samples = task.samples({ seed: 4, n: 2 });
  const policy = solverPolicy(task, "submit", tokenizer, samples);
  // the solver needs two turns: the task's maxTurns 3 lets it finish, a caller's 1 ends it at its first turn
  const own = await rolloutTask(task, { policy, tokenizer, format: "submit", samples });
  assert.equal(own.episodes.map((e) => e.reward), [1, 1]);
  const capped = await rolloutTask(task, { policy, tokenizer, format: "submit", samples, limits: { maxTurns: 1 } });
  assert.equal(capped.episodes.map((e) => e.reward), [0, 0]);
  assert.equal(capped.episodes.map((e) => e.status), ["max_turns", "max_turns"]);
});

test.run();
