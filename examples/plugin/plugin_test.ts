// Runs the example of docs/plugins.md the way the CLI does: loaded by path, its tool through
// invokeTool, its task's solver through the rollout loop in every format. Self-contained, to copy beside your
// plugin's mod.ts (in your project import from "toolrl" instead of "../../mod.ts").
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  charTokenizer,
  findTask,
  type FormatName,
  invokeTool,
  loadPlugin,
  rollout,
  rolloutTask,
  type Sample,
  scriptedPolicy,
  solverPolicy,
  type Task,
  toolSchemas,
} from "../../mod.ts";

const plugin = await loadPlugin("./mod.ts", { base: new URL(".", import.meta.url) });
const tool = plugin.tools[0];
const task = findTask([plugin], "unit-convert") as Task<Sample & { answer: number }>;
const tokenizer = charTokenizer();
const formats: FormatName[] = ["submit", "hermes", "react"];

test("the example loads by path with its tool, verifier and task", () => {
  assert.is(plugin.name, "units");
  assert.equal(plugin.tools.map((t) => t.name), ["unit_convert"]);
  assert.equal(plugin.verifiers.map((v) => v.name), ["unit_convert_close"]);
  const [schema] = toolSchemas(plugin.tools);
  assert.equal(Object.keys((schema.function.parameters as { properties: object }).properties), ["value", "from", "to"]);
});

test("unit_convert converts, reads submit-format text, and reports bad input as errors", async () => {
  assert.is((await invokeTool(tool, { value: 3, from: "km", to: "m" })).text, "3000");
  assert.is((await invokeTool(tool, "10 lb to kg", { rawText: true })).text, "4.5359");
  const mixed = await invokeTool(tool, { value: 1, from: "kg", to: "m" });
  assert.equal([mixed.error, mixed.text], ["tool_exception", "Tool error: cannot convert kg (mass) to m (length)"]);
  const unknown = await invokeTool(tool, { value: 1, from: "parsec", to: "m" });
  assert.is(unknown.error, "invalid_arguments");
  assert.match(unknown.text, /from:/);
  assert.is((await invokeTool(tool, "three km", { rawText: true })).error, "invalid_arguments");
});

test("the task's solver scores 1.0 in every format through the rollout loop", async () => {
  const samples = task.samples({ seed: 1, n: 8 });
  for (const format of formats) {
    const { episodes, errors } = await rolloutTask(task, {
      policy: solverPolicy(task, format, tokenizer, samples),
      tokenizer,
      format,
      samples,
    });
    assert.equal(errors, []);
    assert.equal(episodes.map((e) => [e.status, e.reward]), samples.map(() => ["done", 1]), format);
  }
});

test("the verifier scores 0 for an answer off by more than 1%", async () => {
  const samples = task.samples({ seed: 2, n: 4, split: "eval" });
  const policy = scriptedPolicy(tokenizer, (context) => {
    const sample = samples.find((s) => context.startsWith(task.prompt(s, "submit")))!;
    return `${sample.answer * 1.02} <submit>`;
  });
  const { episodes } = await rollout({
    policy,
    tokenizer,
    format: "submit",
    tools: task.tools,
    verifier: task.verifier,
    items: samples.map((sample) => ({ prompt: task.prompt(sample, "submit"), sample })),
  });
  assert.equal(episodes.map((e) => e.reward), [0, 0, 0, 0]);
});

test.run();
