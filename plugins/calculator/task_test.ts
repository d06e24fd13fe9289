import { test } from "uvu";
import * as assert from "uvu/assert";
import { getParser } from "../../core/formats/mod.ts";
import { scriptedPolicy, solverPolicy } from "../../core/policy/mod.ts";
import { rolloutTask } from "../../core/rollout/mod.ts";
import { charTokenizer } from "../../core/tokenizer/mod.ts";
import type { FormatName } from "../../core/types.ts";
import { evaluateExpression } from "./evaluate.ts";
import { type CalculatorSample, calculatorTask, type CalculatorVariant, isEvalProblem } from "./task.ts";

const formats: FormatName[] = ["submit", "hermes", "react"];
const tokenizer = charTokenizer();
const task = calculatorTask();

test("samples() are TRL's problems: a, b in 0..49, + - *, integer answers, reproducible from the seed", () => {
  const samples = task.samples({ seed: 3, n: 300 });
  assert.equal(task.samples({ seed: 3, n: 300 }), samples);
  assert.not.equal(task.samples({ seed: 4, n: 300 }).map((s) => s.question), samples.map((s) => s.question));
  for (const sample of samples) {
    const [, a, op, b] = /^(\d+) ([-+*]) (\d+)$/.exec(sample.expression)!;
    assert.ok(Number(a) <= 49 && Number(b) <= 49, sample.expression);
    assert.ok(["+", "-", "*"].includes(op));
    assert.is(sample.question, `What is ${sample.expression}?`);
    assert.is(sample.answer, evaluateExpression(sample.expression));
    assert.ok(Number.isInteger(sample.answer));
  }
  assert.equal(new Set(samples.map((s) => s.expression.split(" ")[1])).size, 3);
});

test("samples() of the eval split never hold a problem the train split can draw", () => {
  const train = task.samples({ seed: 0, n: 2000 });
  const evaluation = task.samples({ seed: 0, n: 300, split: "eval" });
  const seen = new Set(train.map((s) => s.expression));
  assert.ok(evaluation.every((s) => !seen.has(s.expression) && isEvalProblem(s.expression)));
  assert.ok(train.every((s) => !isEvalProblem(s.expression)));
  assert.ok(evaluation[0].id.includes("eval"));
});

test("samples() of the decimals and large variants have one decimal place or 3-4 digits", () => {
  for (const sample of task.samples({ seed: 1, n: 100, variant: "decimals" })) {
    assert.match(sample.expression, /^\d+\.\d [-+*] \d+\.\d$/);
    assert.ok(Math.abs(sample.answer - evaluateExpression(sample.expression)) < 1e-9, sample.expression);
  }
  for (const sample of task.samples({ seed: 1, n: 100, variant: "large" })) {
    assert.match(sample.expression, /^\d{3,4} [-+*] \d{3,4}$/);
    assert.is(sample.answer, evaluateExpression(sample.expression));
  }
  assert.throws(() => task.samples({ seed: 1, n: 1, variant: "huge" }), /unknown variant "huge"/);
  assert.is(calculatorTask({ variant: "large" }).samples({ seed: 0, n: 1 })[0].variant, "large");
});

test("zero-shot prompts are short and ask the question in each format", () => {
  const [sample] = task.samples({ seed: 0, n: 1 });
  assert.is(task.prompt(sample, "submit"), `${sample.question}\n`);
  assert.is(task.prompt(sample, "hermes"), `<|im_start|>user\n${sample.question}<|im_end|>\n<|im_start|>assistant\n`);
  assert.is(task.prompt(sample, "react"), `Question: ${sample.question}\n`);
});

test("few-shot prompts prefix worked examples that the format's parser reads as calculator calls", () => {
  const fewShot = calculatorTask({ fewShot: true });
  const [sample] = fewShot.samples({ seed: 0, n: 1 });
  for (const format of formats) {
    const prompt = fewShot.prompt(sample, format);
    assert.ok(prompt.endsWith(task.prompt(sample, format)), format);
    assert.ok(prompt.includes("What is 13 - 3?") && prompt.includes("What is 4 * 3?"), format);
    assert.ok(prompt.includes(format === "react" ? "Final Answer: 12" : "Result = 12"), format);
    const examples = format === "submit" ? prompt.split("<submit>") : [prompt];
    const calls = examples.flatMap((text) => getParser(format).parse(text).calls);
    assert.equal(calls.map((c) => c.name), ["calculator", "calculator"], format);
  }
  assert.ok(fewShot.prompt(sample, "hermes").includes('"name":"calculator"'));
});

test("solve() calls the calculator first, then copies the number the tool returned", () => {
  const [sample] = task.samples({ seed: 0, n: 1 });
  for (const format of formats) {
    const call = task.solve(sample, format, []);
    const parsed = getParser(format).parse(call, ["calculator"]);
    const args = format === "submit"
      ? parsed.calls[0].arguments
      : (parsed.calls[0].arguments as { expression: string }).expression;
    assert.equal([parsed.calls.length, parsed.errors, args], [1, [], sample.expression], format);
    const answer = task.solve(sample, format, ["-123.5"]);
    assert.ok(answer.length < 40, answer);
    assert.is(getParser(format).parse(answer).calls.length, 0);
    assert.ok(answer.includes("-123.5"), `${format}: ${answer}`);
  }
  assert.is(task.solve(sample, "submit", ["9"]), "Result = 9 <submit>");
  assert.is(task.solve(sample, "submit", ["Tool error: division by zero", "9"]), "Result = 9 <submit>", "the last result counts");
});

async function solveAll(format: FormatName, samples: CalculatorSample[], prompt = task.prompt) {
  const policy = solverPolicy({ ...task, prompt }, format, tokenizer, samples);
  return await rolloutTask({ ...task, prompt }, {
    policy,
    tokenizer,
    format,
    samples,
  });
}

test("the reference solver scores 1.0 in every format and variant through the rollout loop", async () => {
  for (const format of formats) {
    for (const variant of ["basic", "decimals", "large"] as CalculatorVariant[]) {
      const samples = task.samples({ seed: 5, n: 12, variant, split: variant === "basic" ? "train" : "eval" });
      const { episodes, errors } = await solveAll(format, samples);
      assert.equal(errors, []);
      assert.equal(
        episodes.map((e) => [e.status, e.reward, e.calls.length]),
        samples.map(() => ["done", 1, 1]),
        `${format} ${variant}`,
      );
    }
  }
});

test("the reference solver scores 1.0 on few-shot prompts too", async () => {
  const fewShot = calculatorTask({ fewShot: true });
  for (const format of formats) {
    const { episodes } = await solveAll(format, fewShot.samples({ seed: 2, n: 4 }), fewShot.prompt);
    assert.equal(episodes.map((e) => e.reward), [1, 1, 1, 1], format);
  }
});

test("the verifier scores 0 for a wrong number and for skipping the format's answer", async () => {
  const samples = task.samples({ seed: 9, n: 4 });
  const wrong: Record<FormatName, string> = {
    submit: "Result = 100 <submit>",
    hermes: "Result = 100<|im_end|>",
    react: "Final Answer: 100",
  };
  const bare: Record<FormatName, string> = {
    submit: "Result = ANSWER",
    hermes: "<tool_call>{}</tool_call><|im_end|>",
    react: "Thought: ANSWER",
  };
  for (const format of formats) {
    for (const script of [wrong[format], bare[format]]) {
      const policy = scriptedPolicy(tokenizer, (context) => {
        const sample = samples.find((s) => context.startsWith(task.prompt(s, format)))!;
        return script.replace("ANSWER", String(sample.answer)).replace("100", String(sample.answer + 100));
      });
      const { episodes } = await rolloutTask(task, {
        policy,
        tokenizer,
        format,
        samples,
      });
      assert.equal(episodes.map((e) => e.reward), [0, 0, 0, 0], `${format}: ${script}`);
    }
  }
});

test.run();
