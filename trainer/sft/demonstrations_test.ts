import { test } from "uvu";
import * as assert from "uvu/assert";
import { charTokenizer } from "../../core/tokenizer/mod.ts";
import { addTask } from "../../core/rollout/testing/tools.ts";
import { calculatorTask, guessAnswer } from "../../plugins/calculator/task.ts";
import { makeDemonstrations } from "./demonstrations.ts";

const tokenizer = charTokenizer();
const task = calculatorTask();

test("makeDemonstrations() with toolRate calls the tool in about that fraction and answers unaided in the rest", async () => {
  const demos = await makeDemonstrations(task, { format: "submit", tokenizer, n: 400, seed: 3, toolRate: 0.25 });
  assert.is(demos.length, 400, "every demonstration is kept: solved tool calls and unaided guesses, right or wrong");
  const calling = demos.filter((e) => e.segments.some((s) => s.role === "tool"));
  const rate = calling.length / demos.length;
  assert.ok(rate > 0.18 && rate < 0.32, `tool rate ${rate}`);
  assert.ok(calling.every((e) => e.reward === 1));
  const unaided = demos.filter((e) => !e.segments.some((s) => s.role === "tool"));
  for (const episode of unaided) {
    const sample = episode.sample as unknown as { expression: string };
    assert.is(episode.response(), `Result = ${guessAnswer(sample.expression)} <submit>`);
  }
  const unaidedAccuracy = unaided.filter((e) => e.reward === 1).length / unaided.length;
  assert.ok(unaidedAccuracy < 0.3, `guesses should be mostly wrong, got accuracy ${unaidedAccuracy}`);
  const all = await makeDemonstrations(task, { format: "submit", tokenizer, n: 50, seed: 3 });
  assert.ok(all.every((e) => e.segments.some((s) => s.role === "tool")), "toolRate defaults to 1");
});

test("makeDemonstrations() refuses a toolRate outside [0, 1] and a task that cannot answer unaided", async () => {
  const bad = await makeDemonstrations(task, { format: "submit", tokenizer, n: 4, seed: 0, toolRate: 1.5 }).catch((e) => e);
  assert.match(String(bad), /toolRate must lie in \[0, 1\], got 1.5/);
  const noGuess = await makeDemonstrations(addTask, { format: "submit", tokenizer, n: 4, seed: 0, toolRate: 0 }).catch((e) => e);
  assert.match(String(noGuess), /task "add" has no answerUnaided/);
});

test("guessAnswer() is exact on easy problems and rounds operands to tens on hard ones", () => {
  assert.is(guessAnswer("3 + 4"), 7);
  assert.is(guessAnswer("9 - 8"), 1);
  assert.is(guessAnswer("1 * 47"), 47);
  assert.is(guessAnswer("37 * 23"), 800);
  assert.is(guessAnswer("26 + 43"), 70);
  assert.is(guessAnswer("12 - 7"), 3);
});

test("makeDemonstrations() warns when the solver's turns do not fit maxNewTokensPerTurn, and names it when nothing is solved", async () => {
  const warnings: string[] = [];
  const limits = { maxNewTokensPerTurn: 16 };
  const error = await makeDemonstrations(task, { format: "hermes", tokenizer, n: 8, seed: 0, limits, onWarning: (m) => warnings.push(m) })
    .catch((e: Error) => e.message);
  assert.is(warnings.length, 1);
  assert.match(warnings[0], /writes first turns of up to \d+ tokens in the hermes format, over maxNewTokensPerTurn 16/);
  assert.match(String(error), /solved none of 8 samples.*over maxNewTokensPerTurn 16.*--set limits\.maxNewTokensPerTurn=/);
  const quiet: string[] = [];
  await makeDemonstrations(task, { format: "hermes", tokenizer, n: 4, seed: 0, onWarning: (m) => quiet.push(m) });
  assert.equal(quiet, []);
});

test.run();
