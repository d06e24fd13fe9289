import { test } from "uvu";
import * as assert from "uvu/assert";
import { createReactParser, reactParser } from "./react.ts";

const tools = ["search", "calculator"];

test("reactParser reads Action and Action Input up to Observation:", () => {
  const text = 'Thought: I should search.\nAction: search\nAction Input: {"query": "Paris"}\nObservation:';
  const r = reactParser.parse(text, tools);
  assert.equal(r.calls, [{ name: "search", arguments: { query: "Paris" }, offset: 26 }]);
  assert.equal([r.final, r.errors], [null, []]);
});

test("reactParser reads strict JSON only by default; repairJson also takes single quotes", () => {
  const text = "Action: `calculator`\nAction Input: {\n  'expression': '2 + 3'\n}\n";
  const strict = reactParser.parse(text, tools);
  assert.is(strict.calls.length, 0);
  assert.is(strict.errors[0].kind, "bad_json");
  const multiLine = reactParser.parse('Action: "calculator"\nAction Input: {\n  "expression": "2 + 3"\n}\n', tools);
  assert.equal(multiLine.calls.map((c) => [c.name, c.arguments]), [["calculator", { expression: "2 + 3" }]]);
  assert.equal(createReactParser({ repairJson: true }).parse(text, tools).calls, [{
    name: "calculator",
    arguments: { expression: "2 + 3" },
    offset: 0,
  }]);
});

test("reactParser takes the text after Final Answer: as the answer", () => {
  const r = reactParser.parse("Thought: I know it.\nFinal Answer:  Paris is the capital.\n", tools);
  assert.equal([r.calls, r.final, r.errors], [[], "Paris is the capital.", []]);
});

test("reactParser reads a whole trajectory and skips observations", () => {
  const text =
    'Action: search\nAction Input: {"query": "a"}\nObservation: found Action: none\nThought: done\nFinal Answer: a';
  const r = reactParser.parse(text, tools);
  assert.equal(r.calls.map((c) => c.name), ["search"]);
  assert.equal(r.errors.map((e) => e.kind), ["bad_format"]);
  assert.is(r.final, "a");
});

test("reactParser reports an Action without Action Input", () => {
  const r = reactParser.parse("Thought: hmm\nAction: search\nObservation:", tools);
  assert.equal(r.errors.map((e) => [e.kind, e.offset]), [["bad_format", 13]]);
  assert.ok(r.errors[0].message.includes("Action Input"), r.errors[0].message);
});

test("reactParser reports an Action Input without Action and an Action without a name", () => {
  const lone = reactParser.parse('Action Input: {"a": 1}', tools);
  const nameless = reactParser.parse('Action:\nAction Input: {"a": 1}', tools);
  assert.equal([lone.errors.map((e) => e.kind), nameless.errors.map((e) => e.kind)], [["bad_format"], ["bad_format"]]);
});

test("reactParser reports bad JSON", () => {
  const r = reactParser.parse("Action: search\nAction Input: {query: Paris\nObservation:", tools);
  assert.equal(r.errors.map((e) => e.kind), ["bad_json"]);
  assert.equal(r.calls, []);
});

test("reactParser reports unknown tools", () => {
  const r = reactParser.parse('Action: weather\nAction Input: {"city": "Paris"}', tools);
  assert.equal(r.errors.map((e) => e.kind), ["unknown_tool"]);
});

test("reactParser writes the result after the Observation: the model wrote", () => {
  const out = reactParser.renderResults(
    [{ name: "search", text: "Paris", error: null }],
    "Action: search\nAction Input: {}\nObservation:",
  );
  assert.is(out, " Paris\n");
});

test("reactParser writes an Observation: line when the model stopped without one", () => {
  const outputs = [{ name: "search", text: "a", error: null }, { name: "search", text: "b", error: null }];
  assert.is(reactParser.renderResults(outputs, "Action Input: {}"), "\nObservation: a\nObservation: b\n");
  assert.is(reactParser.renderResults(outputs.slice(0, 1), "Action Input: {}\n"), "Observation: a\n");
});

test.run();
