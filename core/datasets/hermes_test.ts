import { test } from "uvu";
import * as assert from "uvu/assert";
import { hermesParser } from "../formats/mod.ts";
import { charTokenizer } from "../tokenizer/mod.ts";
import { importHermes } from "./hermes.ts";
import { parseRecords } from "./records.ts";
import { assertAligned, trainedText } from "./testing/checks.ts";
import { fixtureText } from "./testing/fixtures_node.ts";

const tokenizer = charTokenizer();
const records = parseRecords(await fixtureText("hermes_sample.jsonl"));
const { episodes, skipped } = importHermes(records, { tokenizer });
const [parallel, followUp, llamaFactory] = episodes;
type Turn = { from: string; value: string };
const turnsOf = (k: number): Turn[] => (records[k] as { conversations: Turn[] }).conversations;

test("importHermes() reads each record and lists the one with an unknown role", () => {
  assert.is(episodes.length, 3);
  assert.equal(skipped.map((s) => s.index), [3]);
  assert.match(skipped[0].reason, /"from" \(one of system, human/);
  assert.equal(episodes.map((e) => e.id), ["stocks-parallel", "stocks-follow-up", "hermes/2"]);
});

test("masks are 1 exactly on model tokens and every episode decodes back to its text", () => {
  for (const episode of episodes) assertAligned(episode, tokenizer);
});

test("gpt turns are trained on with their <|im_end|>; system, human and tool text is not", () => {
  const gpt = turnsOf(1).filter((t) => t.from === "gpt").map((t) => `${t.value}<|im_end|>`);
  assert.is(trainedText(followUp, tokenizer), gpt.join("|"));
  const prompt = followUp.segments[0].text;
  assert.is(prompt, `<|im_start|>system\n${turnsOf(1)[0].value}<|im_end|>\n<|im_start|>user\nHow much is Nvidia?<|im_end|>\n<|im_start|>assistant\n`);
  const again = followUp.segments.find((s, k) => k > 0 && s.role === "prompt")!;
  assert.is(again.text, "\n<|im_start|>user\nAnd Tesla?<|im_end|>\n<|im_start|>assistant\n");
});

test("parallel results go back as one tool turn, written as the hermes parser writes them", () => {
  const tool = parallel.segments.filter((s) => s.role === "tool");
  assert.is(tool.length, 1);
  const model = parallel.segments[1].text;
  const outputs = [
    { name: "get_stock_price", text: '{"name": "get_stock_price", "content": {"symbol": "AAPL", "price": 189.5}}', error: null },
    { name: "get_stock_price", text: '{"name": "get_stock_price", "content": {"symbol": "MSFT", "price": 415.2}}', error: null },
  ];
  assert.is(tool[0].text, hermesParser.renderResults(outputs, model));
  assert.equal(
    parallel.calls.map(({ name, arguments: a, result }) => ({ name, arguments: a, result })),
    outputs.map((o, k) => ({ name: o.name, arguments: { symbol: ["AAPL", "MSFT"][k] }, result: o.text })),
  );
  assert.is(parallel.sample!.answer, "Apple trades at $189.50 and Microsoft at $415.20.");
  assert.is(hermesParser.parse(parallel.segments[parallel.segments.length - 1].text).final, parallel.sample!.answer);
});

test("a LLaMA-Factory function_call turn is wrapped in <tool_call> tags and its observation is tool text", () => {
  const model = llamaFactory.segments.find((s) => s.role === "model")!;
  assert.equal(hermesParser.parse(model.text).calls.map((c) => c.arguments), [{ amount: 100, from: "USD", to: "EUR" }]);
  assert.ok(llamaFactory.segments.some((s) => s.role === "tool" && s.text.includes('<tool_response>\n{"result": 92.6}\n</tool_response>')));
  assert.is(llamaFactory.metrics.tool_calls, 1);
});

test("parseRecords() reads a JSON list, one object or JSON Lines, and names the bad line", () => {
  assert.equal(parseRecords('[{"a": 1}, {"a": 2}]'), [{ a: 1 }, { a: 2 }]);
  assert.equal(parseRecords('{"a": 1}'), [{ a: 1 }]);
  assert.equal(parseRecords('{"a": 1}\n\n{"a": 2}\n'), [{ a: 1 }, { a: 2 }]);
  assert.throws(() => parseRecords('{"a": 1}\n{"a": \n'), /line 2 is not JSON/);
});

test.run();
