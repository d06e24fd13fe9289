import { test } from "uvu";
import * as assert from "uvu/assert";
import { appendSegment, createEpisode } from "../episode/episode.ts";
import { charTokenizer } from "../tokenizer/mod.ts";
import type { Episode } from "../types.ts";
import { episodesToTrlJSONL, episodesToVerlJSONL, toTrlRecord, toVerlRecord } from "./export.ts";
import { importHermes } from "./hermes.ts";
import { parseRecords } from "./records.ts";
import { importToolBench } from "./toolbench.ts";
import { docsText, fixtureText } from "./testing/fixtures_node.ts";

const tokenizer = charTokenizer();
const imported: Episode[] = [
  ...importHermes(parseRecords(await fixtureText("hermes_sample.jsonl")), { tokenizer }).episodes,
  ...importToolBench(JSON.parse(await fixtureText("toolbench_sample.json")), { tokenizer }).episodes,
];

/** The worked example of docs/interop.md. */
function calculatorEpisode(): Episode {
  const episode = createEpisode({ id: "calc-0", prompt: "What is 2 + 3?\n", tokenizer });
  appendSegment(episode, "model", "<request><calculator>2 + 3<call>");
  appendSegment(episode, "tool", "5<response>");
  appendSegment(episode, "model", "Result = 5 <submit>");
  episode.reward = 1;
  episode.status = "done";
  return episode;
}

/** Labels as TRL's collator makes them: the token where completion_mask is 1, else -100. */
const labelsOf = (ids: number[], mask: number[]) => ids.map((id, k) => (mask[k] === 1 ? id : -100));

test("TRL records: input_ids and completion_mask line up, and the prompt is never in the completion", () => {
  for (const episode of imported) {
    const record = toTrlRecord(episode);
    assert.is(record.completion_mask.length, record.input_ids.length);
    assert.is(record.prompt + record.completion, episode.text());
    assert.is(tokenizer.decode(record.input_ids), record.prompt + record.completion);
    const promptLength = tokenizer.encode(record.prompt).length;
    assert.equal(tokenizer.decode(record.input_ids.slice(0, promptLength)), record.prompt);
    assert.ok(record.completion_mask.slice(0, promptLength).every((m) => m === 0), "the prompt is masked out");
    const trained = labelsOf(record.input_ids, record.completion_mask).filter((id) => id !== -100);
    const modelText = episode.segments.filter((s) => s.role === "model").map((s) => s.text).join("");
    assert.is(tokenizer.decode(trained), modelText, "the labels are exactly the model's turns");
  }
});

test("verl records: response_mask has one entry per response id, 1 on model tokens and 0 on tool tokens", () => {
  for (const episode of imported) {
    const record = toVerlRecord(episode);
    assert.is(record.response_mask.length, record.response_ids.length);
    assert.equal([...record.prompt_ids, ...record.response_ids], episode.tokens());
    assert.is(tokenizer.decode(record.prompt_ids), record.prompt);
    assert.is(tokenizer.decode(record.response_ids), record.response);
    assert.is(record.prompt + record.response, episode.text());
    const first = episode.segments.findIndex((s) => s.role !== "prompt");
    const notModel = episode.segments.slice(first).filter((s) => s.role !== "model").map((s) => s.text).join("");
    const zeros = record.response_ids.filter((_, k) => record.response_mask[k] === 0);
    assert.is(tokenizer.decode(zeros), notModel, "the mask-0 response tokens are the tool turns and later user turns");
    assert.is(record.response_logprobs, undefined, "imported text has no sampler logprobs");
  }
  assert.equal(imported.map((e) => toVerlRecord(e).num_turns), [4, 8, 4, 6, 4]);
});

test("verl records carry the reward and the sampler's logprobs, 0 on tool tokens", () => {
  const episode = createEpisode({ id: "lp", prompt: "Q\n", tokenizer });
  appendSegment(episode, "model", "ab", [97, 98], [-0.5, -0.25]);
  appendSegment(episode, "tool", "c");
  appendSegment(episode, "model", "d", [100], [-1]);
  episode.reward = 0.75;
  const record = toVerlRecord(episode);
  assert.equal(record.response_logprobs, [-0.5, -0.25, 0, -1]);
  assert.equal(record.response_mask, [1, 1, 0, 1]);
  assert.is(record.reward_score, 0.75);
  assert.is(record.scored, true);
  assert.is(record.metrics.tool_calls, 0);
});

test("verl records of unscored episodes say scored: false and carry no reward_score", () => {
  const episode = createEpisode({ id: "u", prompt: "Q\n", tokenizer });
  appendSegment(episode, "model", "ab", [97, 98]);
  episode.metrics.tool_ms = 1500;
  const record = toVerlRecord(episode);
  assert.is(record.scored, false);
  assert.ok(!("reward_score" in record) && !("reward" in record));
  assert.is(record.metrics.tool_calls, 1.5);
});

test("TRL records carry a tools column when tools are given", () => {
  const episode = createEpisode({ id: "t", prompt: "Q\n", tokenizer });
  const tools = [{ type: "function", function: { name: "calculator", parameters: {} } }];
  assert.equal(toTrlRecord(episode, { tools }).tools, tools);
  assert.ok(!("tools" in toTrlRecord(episode)));
});

test("the JSONL writers give one parseable record per line, in episode order", () => {
  const trl = episodesToTrlJSONL(imported).split("\n");
  const verl = episodesToVerlJSONL(imported).split("\n");
  assert.is(trl.pop(), "");
  assert.is(verl.pop(), "");
  assert.equal(trl.map((line) => JSON.parse(line)), imported.map((e) => toTrlRecord(e)));
  assert.equal(verl.map((line) => JSON.parse(line).id), imported.map((e) => e.id));
});

test("docs/interop.md shows the exact lines written for its worked example", async () => {
  const docs = await docsText("interop.md");
  const block = (marker: string) => new RegExp(`<!-- ${marker} -->\\s*\`\`\`json\\n([^\\n]*)\\n\`\`\``).exec(docs)?.[1];
  const episode = calculatorEpisode();
  assert.is(block("trl-example"), episodesToTrlJSONL([episode]).trimEnd());
  assert.is(block("verl-example"), episodesToVerlJSONL([episode]).trimEnd());
  assert.ok(docs.includes(episode.show({ color: false })), "the docs show the input episode");
});

test.run();
