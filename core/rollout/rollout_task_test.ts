// rolloutTask is rollout() over a task's samples: its prompts, tools, verifier, and its limits under the caller's.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { solverPolicy } from "../policy/solver.ts";
import { charTokenizer } from "../tokenizer/char_tokenizer.ts";
import { addTask as task } from "./_testing.ts";
import { rolloutTask } from "./rollout_task.ts";

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
