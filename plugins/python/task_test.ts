import { test } from "uvu";
import * as assert from "uvu/assert";
import { getParser } from "../../core/formats/mod.ts";
import { scriptedPolicy, solverPolicy } from "../../core/policy/mod.ts";
import { rolloutTask } from "../../core/rollout/mod.ts";
import { charTokenizer } from "../../core/tokenizer/mod.ts";
import type { FormatName } from "../../core/types.ts";
import { python } from "./mod.ts";
import { isEvalProblem, pythonMathTask, type PythonMathSample } from "./task.ts";
import { pythonTool } from "./tool.ts";

const formats: FormatName[] = ["submit", "hermes", "react"];
const tokenizer = charTokenizer();
const tool = pythonTool({ timeoutMs: 3000 });
const task = pythonMathTask({ tool });
// No tool.close() here on purpose: an idle interpreter must not keep the process alive, and this
// file would hang until the runner's time-out if it did.

test("samples() are reproducible word problems with a one-line Python solution", () => {
  const samples = task.samples({ seed: 3, n: 200 });
  assert.equal(task.samples({ seed: 3, n: 200 }), samples);
  assert.not.equal(task.samples({ seed: 4, n: 200 }), samples);
  assert.equal(new Set(samples.map((s) => s.template)).size, 5);
  for (const sample of samples) {
    assert.match(sample.code, /^print\([\d\s+\-*/()]+\)$/);
    assert.ok(sample.question.length < 90 && sample.question.endsWith("?"), sample.question);
    assert.ok(Number.isFinite(sample.answer) && sample.answer >= 0, `${sample.question} ${sample.answer}`);
  }
});

test("samples() of the eval split never hold a problem the train split can draw", () => {
  const train = task.samples({ seed: 0, n: 1000 });
  const held = task.samples({ seed: 0, n: 100, split: "eval" });
  const seen = new Set(train.map((s) => s.question));
  assert.ok(held.every((s) => !seen.has(s.question) && isEvalProblem(s.question)));
  assert.ok(train.every((s) => !isEvalProblem(s.question)));
});

test("prompts are the bare question; few-shot prompts prefix two worked python calls", () => {
  const [sample] = task.samples({ seed: 0, n: 1 });
  assert.is(task.prompt(sample, "react"), `Question: ${sample.question}\n`);
  const fewShot = pythonMathTask({ fewShot: true, tool });
  for (const format of formats) {
    const prompt = fewShot.prompt(sample, format);
    assert.ok(prompt.endsWith(task.prompt(sample, format)), format);
    const calls = (format === "submit" ? prompt.split("<submit>") : [prompt]).flatMap((t) => getParser(format).parse(t).calls);
    assert.equal(calls.map((c) => c.name), ["python", "python"], format);
    assert.ok(prompt.includes("print(3 * 12 + 4)") && prompt.includes(format === "react" ? "Final Answer: 40" : "Result = 40"));
  }
});

test("solve() writes the code first, then copies the number Python printed", () => {
  const [sample] = task.samples({ seed: 1, n: 1 });
  for (const format of formats) {
    const call = task.solve(sample, format, []);
    const [parsed] = getParser(format).parse(call, ["python"]).calls;
    assert.is(format === "submit" ? parsed.arguments : (parsed.arguments as { code: string }).code, sample.code, format);
    assert.ok(task.solve(sample, format, ["12.5"]).includes("12.5"), format);
  }
});

test("every solver turn fits the task's token budget per turn", () => {
  for (const format of formats) {
    for (const sample of task.samples({ seed: 7, n: 300 })) {
      const call = task.solve(sample, format, []);
      for (const turn of [call, task.solve(sample, format, [String(sample.answer)])]) {
        assert.ok(tokenizer.encode(turn).length <= task.limits!.maxNewTokensPerTurn!, `${format}: ${turn}`);
      }
    }
  }
});

async function run(format: FormatName, samples: PythonMathSample[], policy = solverPolicy(task, format, tokenizer, samples)) {
  return await rolloutTask(task, {
    policy,
    tokenizer,
    format,
    samples,
  });
}

test("the reference solver scores 1.0 in every format through the rollout loop and real Python", async () => {
  for (const format of formats) {
    const samples = [...task.samples({ seed: 5, n: 6 }), ...task.samples({ seed: 5, n: 2, split: "eval" })];
    const { episodes, errors } = await run(format, samples);
    assert.equal(errors, []);
    assert.equal(episodes.map((e) => [e.status, e.reward, e.calls[0]?.error]), samples.map(() => ["done", 1, null]), format);
    assert.equal(episodes.map((e) => Number(e.calls[0].result)), samples.map((s) => s.answer), format);
  }
});

test("the verifier scores 0 for an answer off by more than 0.1", async () => {
  const samples = task.samples({ seed: 9, n: 3 });
  const wrong: Record<FormatName, (n: number) => string> = {
    submit: (n) => `Result = ${n} <submit>`,
    hermes: (n) => `Result = ${n}<|im_end|>`,
    react: (n) => `Final Answer: ${n}`,
  };
  for (const format of formats) {
    for (const offset of [0.2, -1]) {
      const policy = scriptedPolicy(tokenizer, (context) => {
        const sample = samples.find((s) => context.startsWith(task.prompt(s, format)))!;
        return wrong[format](sample.answer + offset);
      });
      assert.equal((await run(format, samples, policy)).episodes.map((e) => e.reward), [0, 0, 0], `${format} ${offset}`);
    }
    const near = scriptedPolicy(tokenizer, (context) => {
      const sample = samples.find((s) => context.startsWith(task.prompt(s, format)))!;
      return wrong[format](sample.answer + 0.05);
    });
    assert.equal((await run(format, samples, near)).episodes.map((e) => e.reward), [1, 1, 1], format);
  }
});

test("python() bundles the tool and the python-math task", () => {
  const plugin = python({ timeoutMs: 500 });
  assert.equal([plugin.name, plugin.tools.map((t) => t.name), plugin.tasks.map((t) => t.name)], ["python", ["python"], ["python-math"]]);
  assert.is(plugin.tasks[0].tools[0], plugin.tools[0]);
  assert.is(plugin.tasks[0].limits?.maxTurns, 2);
});

test.run();
