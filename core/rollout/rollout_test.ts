import { test } from "uvu";
import * as assert from "uvu/assert";
import { rollout } from "./rollout.ts";
import { addTask, calculator, echo, hermesCalls } from "./testing/tools.ts";
import { scriptedPolicy } from "../policy/scripted.ts";
import { solverPolicy } from "../policy/solver.ts";
import { charTokenizer } from "../tokenizer/char_tokenizer.ts";
import type { Generation, Policy, Sample, Task, Tool } from "../types.ts";

const tokenizer = charTokenizer();
const HERMES_PROMPT = "<|im_start|>user\nQ<|im_end|>\n<|im_start|>assistant\n";
/** Room for whole JSON calls in one turn (the default is 32 new tokens, bytes here). */
const limits = { maxNewTokensPerTurn: 256 };

/** Checks the mask invariants on every episode. */
function assertAligned(
  episodes: { tokens(): number[]; mask(): number[]; text(): string; segments: { role: string; tokens: number[] }[] }[],
) {
  for (const episode of episodes) {
    const mask = episode.mask();
    assert.is(mask.length, episode.tokens().length);
    assert.is(tokenizer.decode(episode.tokens()), episode.text());
    let at = 0;
    for (const segment of episode.segments) {
      for (let k = 0; k < segment.tokens.length; k++) assert.is(mask[at + k], segment.role === "model" ? 1 : 0);
      at += segment.tokens.length;
    }
  }
}

test("rollout() runs the submit format end to end and scores with the verifier", async () => {
  const policy = scriptedPolicy(
    tokenizer,
    (text) =>
      text.includes("<response>") ? "Result = 12 <submit> trailing" : "<request><Calculator>3*4<call> never seen",
  );
  const verifier = {
    name: "result",
    score: (
      episode: { response(): string },
      sample: Sample,
    ) => (episode.response().includes(`Result = ${sample.answer}`) ? 1 : 0),
  };
  const { episodes, metrics, errors } = await rollout({
    policy,
    tokenizer,
    format: "submit",
    tools: [calculator as Tool],
    items: [{ prompt: "\n\nWhat is 3 * 4?", sample: { id: "s", question: "3*4", answer: 12 } }],
    verifier,
  });
  const [episode] = episodes;
  assert.is(episode.status, "done");
  assert.is(episode.response(), "<request><Calculator>3*4<call>12<response>Result = 12 <submit>");
  assert.equal(episode.segments.map((s) => s.role), ["prompt", "model", "tool", "model"]);
  assert.equal(episode.calls.map((c) => [c.name, c.arguments, c.result, c.error, c.turn]), [[
    "Calculator",
    "3*4",
    "12",
    null,
    1,
  ]]);
  assert.is(episode.reward, 1);
  assert.equal([episode.metrics.turns, episode.metrics.tool_calls, episode.metrics.tool_errors], [2, 1, 0]);
  assert.equal([metrics.episodes, metrics.turns, metrics.toolCalls, metrics.status], [1, 2, 1, { done: 1 }]);
  assert.is(metrics.generatedTokens, episode.mask().reduce((a, b) => a + b, 0));
  assert.ok(metrics.generationShare >= 0 && metrics.generationShare <= 1);
  assert.equal(errors, []);
  assertAligned(episodes);
});

test("rollout() writes hermes results back in ChatML and keeps masks aligned over several tool turns", async () => {
  const policy = scriptedPolicy(tokenizer, (text) => {
    const turns = text.split("<tool_response>").length - 1;
    if (turns === 0) return hermesCalls(["Calculator", { expression: "2+3" }], ["echo", { text: "hé" }]);
    if (turns === 2) return hermesCalls(["Calculator", { expression: "5*5" }]);
    return "The answer is 25.<|im_end|>";
  });
  const { episodes } = await rollout({
    policy,
    tokenizer,
    format: "hermes",
    tools: [calculator as Tool, echo],
    items: [{ prompt: HERMES_PROMPT }],
    limits,
  });
  const [episode] = episodes;
  assert.is(episode.status, "done");
  assert.equal(episode.segments.map((s) => s.role), ["prompt", "model", "tool", "model", "tool", "model"]);
  assert.is(
    episode.segments[2].text,
    "\n<|im_start|>user\n<tool_response>\n5\n</tool_response>\n<tool_response>\nhé\n</tool_response><|im_end|>\n<|im_start|>assistant\n",
  );
  assert.equal(episode.calls.map((c) => [c.turn, c.result]), [[1, "5"], [1, "hé"], [2, "25"]]);
  assertAligned(episodes);
});

test("rollout() writes react observations after the Observation: the model stopped at", async () => {
  const policy = scriptedPolicy(
    tokenizer,
    (text) =>
      text.includes("Observation: 7")
        ? "Thought: done\nFinal Answer: 7"
        : 'Thought: add\nAction: Calculator\nAction Input: {"expression": "3+4"}\nObservation: (made up by the model)',
  );
  const { episodes } = await rollout({
    policy,
    tokenizer,
    format: "react",
    tools: [calculator as Tool],
    items: [{ prompt: "Q: 3+4?\n" }],
    limits,
  });
  assert.is(
    episodes[0].response(),
    'Thought: add\nAction: Calculator\nAction Input: {"expression": "3+4"}\nObservation: 7\nThought: done\nFinal Answer: 7',
  );
  assert.is(episodes[0].status, "done");
  assertAligned(episodes);
});

test("rollout() feeds malformed and unknown calls back as errors and counts them by kind", async () => {
  const policy = scriptedPolicy(tokenizer, (text) => {
    if (text.includes("Tool error")) return "gave up<|im_end|>";
    return '<tool_call>{"name": "Calculator", "arguments": {"expression": }</tool_call>\n' +
      hermesCalls(["weather", {}], ["Calculator", { expression: 7 }], ["Calculator", { expression: "1+1" }]);
  });
  const { episodes, metrics } = await rollout({
    policy,
    tokenizer,
    format: "hermes",
    tools: [calculator as Tool],
    items: [{ prompt: HERMES_PROMPT }],
    limits,
  });
  const [episode] = episodes;
  assert.equal(episode.calls.map((c) => c.error), ["bad_json", "unknown_tool", "invalid_arguments", null]);
  assert.equal(
    [
      episode.metrics["tool_errors/bad_json"],
      episode.metrics["tool_errors/unknown_tool"],
      episode.metrics["tool_errors/invalid_arguments"],
      episode.metrics.tool_errors,
    ],
    [1, 1, 1, 3],
  );
  const toolText = episode.segments[2].text;
  assert.ok(
    toolText.indexOf("not JSON") < toolText.indexOf("unknown tool") &&
      toolText.indexOf("Invalid arguments") < toolText.indexOf("\n2\n"),
    toolText,
  );
  assert.equal(metrics.toolErrorsByKind, { bad_json: 1, unknown_tool: 1, invalid_arguments: 1 });
  assert.is(episode.status, "done");
});

test("rollout() keeps the policy's logprobs on model segments", async () => {
  const inner = scriptedPolicy(tokenizer, () => "hi<|im_end|>");
  const policy: Policy = {
    generate: async (contexts, options) =>
      (await inner.generate(contexts, options)).map((g): Generation => ({
        ...g,
        logprobs: g.tokens.map((_, k) => -k),
      })),
  };
  const { episodes } = await rollout({
    policy,
    tokenizer,
    format: "hermes",
    tools: [],
    items: [{ prompt: HERMES_PROMPT }],
    limits,
  });
  const model = episodes[0].segments[1];
  assert.equal(model.logprobs, model.tokens.map((_, k) => -k));
});

test("rollout() marks only the episode the policy fails on as error; the others go on", async () => {
  const policy = scriptedPolicy(tokenizer, (text) => {
    if (text.includes("bad")) throw new Error("cannot continue this one");
    return "fine<|im_end|>";
  });
  const items = [{ prompt: "good 1" }, { prompt: "bad" }, { prompt: "good 2" }];
  const { episodes, errors, metrics } = await rollout({
    policy,
    tokenizer,
    format: "hermes",
    tools: [],
    items,
    limits,
  });
  assert.equal(episodes.map((e) => e.status), ["done", "error", "done"]);
  assert.equal(errors, [{ episodeId: "1", message: "cannot continue this one" }]);
  assert.equal(metrics.status, { done: 2, error: 1 });
});

test("rollout() ends an episode at an EOS, but not at an EOS that is the format's stop string", async () => {
  const eosPolicy = scriptedPolicy(
    tokenizer,
    () => '<tool_call>{"name": "echo", "arguments": {"text": "x"}}</tool_call><|endoftext|>',
  );
  const { episodes } = await rollout({
    policy: eosPolicy,
    tokenizer,
    format: "hermes",
    tools: [echo],
    items: [{ prompt: HERMES_PROMPT }],
    limits,
  });
  assert.equal([episodes[0].status, episodes[0].calls.length], ["done", 0]);

  const qwenLike = charTokenizer();
  const imEnd = qwenLike.specialTokens["<|im_end|>"];
  const chatTokenizer = { ...qwenLike, eosId: imEnd };
  const chatPolicy = scriptedPolicy(
    chatTokenizer,
    (text) => (text.includes("<tool_response>") ? "x<|im_end|>" : hermesCalls(["echo", { text: "y" }])),
  );
  const chat = await rollout({
    policy: chatPolicy,
    tokenizer: chatTokenizer,
    format: "hermes",
    tools: [echo],
    items: [{ prompt: HERMES_PROMPT }],
    limits,
  });
  assert.equal([chat.episodes[0].status, chat.episodes[0].calls.length, chat.episodes[0].metrics.turns], [
    "done",
    1,
    2,
  ]);
});

test("rollout() releases every tool's per-episode state when each episode ends", async () => {
  const released: string[] = [];
  const tool: Tool = { ...echo, release: (id) => void released.push(id) };
  const policy = scriptedPolicy(tokenizer, () => "done<|im_end|>");
  await rollout({
    policy,
    tokenizer,
    format: "hermes",
    tools: [tool],
    items: [{ prompt: "a", id: "x" }, { prompt: "b", id: "y" }],
    limits,
  });
  assert.equal(released.sort(), ["x", "y"]);
});

test("rollout() rejects when its signal aborts", async () => {
  const controller = new AbortController();
  const policy = scriptedPolicy(
    tokenizer,
    () => (controller.abort(new Error("stop now")), hermesCalls(["echo", { text: "x" }])),
  );
  let message = "";
  await rollout({
    policy,
    tokenizer,
    format: "hermes",
    tools: [echo],
    items: [{ prompt: "a" }],
    signal: controller.signal,
    limits,
  })
    .catch((e: Error) => (message = e.message));
  assert.is(message, "stop now");
});

test("rollout() with solverPolicy reproduces a task's reference solutions", async () => {
  const task = addTask;
  const samples = task.samples({ seed: 0, n: 12 });
  const items = samples.map((sample) => ({ prompt: task.prompt(sample, "submit"), sample, id: sample.id }));
  const { episodes } = await rollout({
    policy: solverPolicy(task, "submit", tokenizer, samples),
    tokenizer,
    format: "submit",
    tools: task.tools,
    items,
    verifier: task.verifier,
    limits,
  });
  assert.equal(episodes.map((e) => e.reward), samples.map(() => 1));
});

test("rollout() rejects bad limits before any work, naming the value", async () => {
  const policy = scriptedPolicy(tokenizer, () => "x");
  let message = "";
  await rollout({ policy, tokenizer, format: "submit", tools: [], items: [{ prompt: "a" }], limits: { maxTurns: 0 } })
    .catch((e: Error) => (message = e.message));
  assert.ok(message.includes("maxTurns") && message.includes("0"), message);
});

test.run();
