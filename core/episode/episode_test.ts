import { test } from "uvu";
import { colorByDefault } from "./adapter/terminal.ts";
import * as assert from "uvu/assert";
import { appendSegment, createEpisode, episodesToJSONL } from "./episode.ts";
import { charTokenizer } from "../tokenizer/char_tokenizer.ts";
import { getParser } from "../formats/mod.ts";
import type { Episode, FormatName } from "../types.ts";

const tokenizer = charTokenizer();

/** Two tool turns and an answer in each format, written the way a rollout writes them. */
const turns: Record<FormatName, { prompt: string; model: string[] }> = {
  submit: {
    prompt: "\n\nWhat is 13 - 3 * 2?",
    model: ["<request><Calculator>3*2<call>", " <request><Calculator>13-6<call>", "Result = 7 <submit>"],
  },
  hermes: {
    prompt: "<|im_start|>user\nCapital of France? Größe?<|im_end|>\n<|im_start|>assistant\n",
    model: [
      '<tool_call>\n{"name": "search", "arguments": {"query": "France"}}\n</tool_call>\n<tool_call>\n{"name": "search", "arguments": {"query": "Paris"}}\n</tool_call><|im_end|>',
      '<tool_call>\n{"name": "calculator", "arguments": {"expression": "1+1"}}\n</tool_call><|im_end|>',
      "Paris 😀<|im_end|>",
    ],
  },
  react: {
    prompt: "Question: what is 2+2?\n",
    model: [
      'Thought: add\nAction: calculator\nAction Input: {"expression": "2+2"}\nObservation:',
      'Thought: check\nAction: calculator\nAction Input: {"expression": "4*1"}',
      "Thought: done\nFinal Answer: 4",
    ],
  },
};

function build(format: FormatName): Episode {
  const parser = getParser(format);
  const episode = createEpisode({ id: format, prompt: turns[format].prompt, tokenizer });
  turns[format].model.forEach((text, k) => {
    appendSegment(episode, "model", text, tokenizer.encode(text));
    if (k === turns[format].model.length - 1) return;
    const outputs = parser.parse(text).calls.map((c) => ({
      name: c.name,
      text: `result of ${c.name} <call> é`,
      error: null,
    }));
    appendSegment(episode, "tool", parser.renderResults(outputs, text));
  });
  return episode;
}

for (const format of ["submit", "hermes", "react"] as const) {
  test(`mask lines up with tokens for a ${format} episode with several tool turns`, () => {
    const episode = build(format);
    const tokens = episode.tokens();
    const mask = episode.mask();
    assert.is(mask.length, tokens.length);
    assert.is(tokenizer.decode(tokens), episode.text());
    let at = 0;
    for (const segment of episode.segments) {
      const part = mask.slice(at, at + segment.tokens.length);
      assert.ok(part.every((m) => m === (segment.role === "model" ? 1 : 0)), `${segment.role} segment mask`);
      assert.is(tokenizer.decode(tokens.slice(at, at + segment.tokens.length)), segment.text);
      at += segment.tokens.length;
    }
    const modelTokens = episode.segments.filter((s) => s.role === "model").reduce((n, s) => n + s.tokens.length, 0);
    assert.is(mask.reduce((a, b) => a + b, 0), modelTokens);
    assert.equal(episode.segments.map((s) => s.role), ["prompt", "model", "tool", "model", "tool", "model"]);
  });
}

test("appendSegment() encodes text once and keeps the generated tokens and logprobs it is given", () => {
  let encodes = 0;
  const counting = { ...tokenizer, encode: (text: string) => (encodes++, tokenizer.encode(text)) };
  const episode = createEpisode({ id: "e", prompt: "hi", tokenizer: counting });
  const segment = appendSegment(episode, "model", "<call>", [259], [-0.5]);
  appendSegment(episode, "tool", "ok<response>");
  assert.is(encodes, 2);
  assert.equal([segment.tokens, segment.logprobs], [[259], [-0.5]]);
  episode.tokens();
  episode.mask();
  assert.is(encodes, 2);
  assert.throws(() => appendSegment(episode, "model", "ab", [97, 98], [-1]), /2 tokens but 1 logprobs/);
});

test("response() and toJSON() split prompt from response", () => {
  const episode = build("submit");
  episode.reward = 1;
  episode.status = "done";
  const record = episode.toJSON();
  assert.is(record.prompt, turns.submit.prompt);
  assert.is(episode.response(), episode.text().slice(turns.submit.prompt.length));
  assert.is(record.response, episode.response());
  assert.equal([record.reward, record.status, record.tokens, record.mask], [
    1,
    "done",
    episode.tokens(),
    episode.mask(),
  ]);
});

test("episodesToJSONL() writes one parseable record per line", () => {
  const episodes = [build("hermes"), build("react")];
  episodes[0].calls.push({
    turn: 1,
    name: "search",
    arguments: { query: "France" },
    result: "x",
    error: null,
    durationMs: 3,
  });
  const lines = episodesToJSONL(episodes).split("\n");
  assert.is(lines.length, 3);
  assert.is(lines[2], "");
  const first = JSON.parse(lines[0]);
  assert.equal(Object.keys(first).sort(), [
    "calls",
    "id",
    "mask",
    "metrics",
    "prompt",
    "response",
    "reward",
    "status",
    "tokens",
  ]);
  assert.equal(first.calls[0].arguments, { query: "France" });
  assert.is(JSON.parse(lines[1]).id, "react");
});

test("show() colours each role and prints a legend; plain mode marks roles", () => {
  const episode = build("react");
  const coloured = episode.show({ color: true });
  assert.ok(coloured.includes("\x1b[30;48;5;39m" + turns.react.model[0] + "\x1b[0m"), "model segment in blue");
  assert.ok(coloured.includes("\x1b[30;48;5;253m" + turns.react.prompt), "prompt in grey");
  assert.ok(coloured.includes("Legend:"));
  const plain = episode.show({ color: false });
  assert.not.ok(plain.includes("\x1b["));
  assert.ok(plain.startsWith("[prompt]" + turns.react.prompt + "[model]"), plain);
  assert.ok(plain.includes("Reward: none  Status: running"));
});

test("show() without options writes no ANSI codes when output is piped or NO_COLOR is set (as under the test runner)", () => {
  const episode = build("react");
  assert.not.ok(episode.show().includes("\x1b["));
  assert.ok(episode.show().startsWith("[prompt]"));
  assert.is(colorByDefault(), false);
});

test.run();
