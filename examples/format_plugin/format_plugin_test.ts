// A fourth tool-call format added as a plugin, without any edit under core/: loaded by path, it registers a
// Mistral-style format, and the built-in calculator and wiki tasks then render prompts, solve, roll out and
// score in it like in the built-in formats.
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  calculatorTask,
  charTokenizer,
  DEFAULT_SPECIALS,
  formatNames,
  getFormat,
  hasFormat,
  loadPlugin,
  rolloutTask,
  scriptedPolicy,
  solverPolicy,
} from "../../mod.ts";
import { wikiTask } from "../../plugins/wiki/mod.ts";
import { resetEpisode, stepEpisode } from "../../server/env/episode.ts";
import { mistralFormat } from "./mistral.ts";

const tokenizer = charTokenizer({ specials: [...DEFAULT_SPECIALS, ...mistralFormat.specialTokens] });

test("before its plugin loads, the format is unknown, and the error names the registered ones", () => {
  assert.not.ok(hasFormat("mistral"));
  assert.throws(() => getFormat("mistral"), /unknown format "mistral"; use one of: submit, hermes, react, llama3_json/);
});

test("loading the plugin by path registers the format; loading it again is harmless", async () => {
  const plugin = await loadPlugin("./examples/format_plugin/mod.ts");
  await loadPlugin("./examples/format_plugin/mod.ts");
  assert.is(plugin.name, "mistral-format");
  assert.is(getFormat("mistral"), mistralFormat);
  assert.equal(formatNames(), ["submit", "hermes", "react", "llama3_json", "mistral"]);
});

const task = calculatorTask();

test("the calculator task writes prompts, calls and answers in the new format", () => {
  const [sample] = task.samples({ seed: 4, n: 1 });
  assert.is(task.prompt(sample, "mistral"), `[INST] ${sample.question} [/INST]`);
  const call = task.solve(sample, "mistral", []);
  assert.is(call, `[TOOL_CALLS][{"name":"calculator","arguments":{"expression":"${sample.expression}"}}]</s>`);
  const output = { name: "calculator", text: String(sample.answer), error: null };
  assert.is(mistralFormat.renderResults([output], call), `[TOOL_RESULTS]${sample.answer}[/TOOL_RESULTS]`);
  assert.is(task.solve(sample, "mistral", [String(sample.answer)]), `Result = ${sample.answer}</s>`);
  const fewShot = calculatorTask({ fewShot: true }).prompt(sample, "mistral");
  assert.ok(fewShot.startsWith('[AVAILABLE_TOOLS][{"type":"function","function":{"name":"calculator"'), fewShot);
  assert.ok(fewShot.includes("[INST] What is 13 - 3? [/INST][TOOL_CALLS]"), fewShot);
  assert.ok(fewShot.endsWith(`[INST] ${sample.question} [/INST]`));
});

test("the reference solver rolls out in the new format and the task's verifier scores it 1 by the episode's format", async () => {
  for (const fewShot of [false, true]) {
    const calculator = calculatorTask({ fewShot });
    const samples = calculator.samples({ seed: 6, n: 8 });
    const policy = solverPolicy(calculator, "mistral", tokenizer, samples);
    const { episodes, errors } = await rolloutTask(calculator, { policy, tokenizer, format: "mistral", samples });
    assert.equal(errors, []);
    assert.equal(episodes.map((e) => [e.status, e.reward, e.calls.length, e.calls[0].error]), samples.map(() => ["done", 1, 1, null]));
    for (const [k, episode] of episodes.entries()) {
      assert.is(episode.format, "mistral");
      assert.is(episode.sampleId, samples[k].id);
      assert.equal(episode.segments.map((s) => s.role), ["prompt", "model", "tool", "model"]);
      assert.is(episode.segments[2].text, `[TOOL_RESULTS]${episode.calls[0].result}[/TOOL_RESULTS]`);
      const modelTokens = episode.segments.flatMap((s) => s.tokens.map(() => (s.role === "model" ? 1 : 0)));
      assert.equal(episode.mask(), modelTokens);
      assert.is(episode.toJSON().format, "mistral");
    }
  }
});

test("wrong answers and malformed calls in the new format score 0 and never throw out of the rollout", async () => {
  const samples = task.samples({ seed: 9, n: 4 });
  const scripts = [
    (answer: number) => `Result = ${answer + 100}</s>`,
    () => '[TOOL_CALLS][{"name": "calculator", "arguments": </s>',
    () => '[TOOL_CALLS][{"name": "abacus", "arguments": {}}]</s>',
  ];
  for (const script of scripts) {
    const policy = scriptedPolicy(tokenizer, (context) => {
      const sample = samples.find((s) => context.startsWith(task.prompt(s, "mistral")))!;
      return script(sample.answer);
    });
    const { episodes, errors } = await rolloutTask(task, { policy, tokenizer, format: "mistral", samples });
    assert.equal(errors, []);
    assert.equal(episodes.map((e) => e.reward), [0, 0, 0, 0], script(0));
  }
  const bad = await rolloutTask(task, {
    policy: scriptedPolicy(tokenizer, () => '[TOOL_CALLS][{"name": "abacus", "arguments": {}}]</s>'),
    tokenizer,
    format: "mistral",
    samples: samples.slice(0, 1),
    limits: { maxTurns: 2 },
  });
  assert.equal(bad.episodes[0].calls.map((c) => c.error), ["unknown_tool"]);
  assert.match(bad.episodes[0].segments[2].text, /^\[TOOL_RESULTS\]Tool error: unknown tool "abacus"/);
});

test("the wiki task answers in the new format too (its verifier reads the final answer with the format's parser)", async () => {
  const wiki = wikiTask({ towns: 40 });
  const samples = wiki.samples({ seed: 1, n: 4 });
  const policy = solverPolicy(wiki, "mistral", tokenizer, samples);
  const { episodes, errors } = await rolloutTask(wiki, { policy, tokenizer, format: "mistral", samples });
  assert.equal(errors, []);
  assert.equal(episodes.map((e) => e.reward), [1, 1, 1, 1]);
  assert.ok(mistralFormat.wroteToolOutput("[TOOL_RESULTS]x"));
});

test("the environment server plays the new format, structured tool_calls included", async () => {
  const { episode, result } = resetEpisode(task, { seed: 3, format: "mistral" });
  assert.is(result.observation.prompt, `[INST] ${episode.sample.question} [/INST]`);
  assert.equal(result.observation.stop, ["</s>"]);
  const expression = String(episode.sample.expression);
  const called = await stepEpisode(episode, { tool_calls: [{ name: "calculator", arguments: { expression } }] });
  assert.is(called.observation.text, `[TOOL_RESULTS]${episode.sample.answer}[/TOOL_RESULTS]`);
  const answered = await stepEpisode(episode, { text: `Result = ${episode.sample.answer}</s>` });
  assert.equal([answered.done, answered.reward], [true, 1]);
  assert.is(episode.state.episode.format, "mistral");
});

test.run();
