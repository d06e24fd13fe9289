import { test } from "uvu";
import * as assert from "uvu/assert";
import { createHermesParser, hermesParser } from "./hermes.ts";

const tools = ["search", "calculator"];

test("hermesParser reads one call in Qwen2.5's layout", () => {
  const text = 'Let me look.\n<tool_call>\n{"name": "search", "arguments": {"query": "Paris"}}\n</tool_call><|im_end|>';
  const r = hermesParser.parse(text, tools);
  assert.equal(r.calls, [{ name: "search", arguments: { query: "Paris" }, offset: 13 }]);
  assert.equal([r.final, r.errors], [null, []]);
});

test("hermesParser reads parallel calls of one turn in order", () => {
  const text = [
    '<tool_call>\n{"name": "search", "arguments": {"query": "a"}}\n</tool_call>',
    '<tool_call>{"name":"calculator","arguments":{"expression":"1+2"}}</tool_call>',
    '<tool_call>\n{\n  "name": "search",\n  "arguments": {\n    "query": "b"\n  }\n}\n</tool_call>',
  ].join("\n") + "<|im_end|>";
  const r = hermesParser.parse(text, tools);
  assert.equal(r.calls.map((c) => [c.name, c.arguments]), [
    ["search", { query: "a" }],
    ["calculator", { expression: "1+2" }],
    ["search", { query: "b" }],
  ]);
  assert.ok(r.calls[0].offset! < r.calls[1].offset! && r.calls[1].offset! < r.calls[2].offset!);
});

test("hermesParser accepts arguments given as a JSON string", () => {
  const text = '<tool_call>{"name": "calculator", "arguments": "{\\"expression\\": \\"2*3\\"}"}</tool_call>';
  assert.equal(hermesParser.parse(text, tools).calls[0].arguments, { expression: "2*3" });
});

test("hermesParser is strict JSON by default, as vLLM and verl read calls: slips are bad_json errors", () => {
  for (const text of [
    "<tool_call>{'name': 'search', 'arguments': {}}</tool_call>",
    '<tool_call>{"name": "search", "arguments": {"x": 1,}}</tool_call>',
    '<tool_call>```json\n{"name": "search", "arguments": {}}\n```</tool_call>',
    '<tool_call>{"name": "search", "arguments": {"exact": True}}</tool_call>',
  ]) {
    const r = hermesParser.parse(text, ["search"]);
    assert.is(r.calls.length, 0, text);
    assert.is(r.errors[0].kind, "bad_json", text);
  }
});

test("createHermesParser({ repairJson: true }) accepts single quotes, Python literals and trailing commas", () => {
  const hermesParser = createHermesParser({ repairJson: true });
  const text =
    "<tool_call>{'name': 'search', 'arguments': {'query': \"it's\", 'exact': True, 'n': None,},}</tool_call>";
  const r = hermesParser.parse(text, tools);
  assert.equal(r.errors, []);
  assert.equal(r.calls[0].arguments, { query: "it's", exact: true, n: null });
});

test("createHermesParser({ repairJson: true }) accepts a list of calls in one block and a ```json fence", () => {
  const hermesParser = createHermesParser({ repairJson: true });
  const text =
    '<tool_call>\n```json\n[{"name": "search", "arguments": {}}, {"name": "calculator", "arguments": {}}]\n```\n</tool_call>';
  assert.equal(hermesParser.parse(text, tools).calls.map((c) => c.name), ["search", "calculator"]);
});

test("hermesParser reports bad JSON and keeps the other calls", () => {
  const text =
    '<tool_call>{"name": "search", "arguments": {"query": }</tool_call>\n<tool_call>{"name": "search", "arguments": {}}</tool_call>';
  const r = hermesParser.parse(text, tools);
  assert.equal(r.errors.map((e) => [e.kind, e.offset]), [["bad_json", 0]]);
  assert.equal(r.calls.length, 1);
  assert.ok(r.calls[0].offset! > 0);
  assert.is(r.final, null);
});

test("hermesParser reports a call without name or arguments as bad_format", () => {
  const noName = hermesParser.parse('<tool_call>{"arguments": {}}</tool_call>', tools);
  const noArgs = hermesParser.parse('<tool_call>{"name": "search"}</tool_call>', tools);
  const listArgs = hermesParser.parse('<tool_call>{"name": "search", "arguments": [1]}</tool_call>', tools);
  assert.equal([noName, noArgs, listArgs].map((r) => r.errors.map((e) => e.kind)), [["bad_format"], ["bad_format"], [
    "bad_format",
  ]]);
  assert.ok(noName.errors[0].message.includes('"name"'));
  assert.ok(noArgs.errors[0].message.includes('"arguments"'));
});

test("hermesParser reports arguments strings that are not JSON as bad_json", () => {
  const r = hermesParser.parse('<tool_call>{"name": "search", "arguments": "Paris"}</tool_call>', tools);
  assert.equal(r.errors.map((e) => e.kind), ["bad_json"]);
});

test("hermesParser reports an unclosed block up to <|im_end|>", () => {
  const r = hermesParser.parse('<tool_call>{"name": "search", "arguments": {}}<|im_end|>', tools);
  assert.equal(r.errors.map((e) => [e.kind, e.text]), [["unclosed", '<tool_call>{"name": "search", "arguments": {}}']]);
  assert.equal(r.calls, []);
});

test("hermesParser reports a stray </tool_call> as missing_tag", () => {
  const r = hermesParser.parse('{"name": "search"}</tool_call>', tools);
  assert.equal(r.errors.map((e) => e.kind), ["missing_tag"]);
});

test("hermesParser reports unknown tools", () => {
  const r = hermesParser.parse('<tool_call>{"name": "weather", "arguments": {}}</tool_call>', tools);
  assert.equal(r.errors.map((e) => e.kind), ["unknown_tool"]);
  assert.equal(r.calls, []);
});

test("hermesParser takes a turn without calls as the answer, without ChatML markers", () => {
  assert.is(hermesParser.parse("The answer is 42.<|im_end|>", tools).final, "The answer is 42.");
  assert.is(hermesParser.parse("<|im_start|>assistant\n  Paris\n<|im_end|>\n", tools).final, "Paris");
  assert.is(hermesParser.parse("no end marker", tools).final, "no end marker");
});

test("hermesParser writes one user turn of <tool_response> blocks, as Qwen2.5's template", () => {
  const outputs = [
    { name: "search", text: "Paris is in France.", error: null },
    { name: "calculator", text: "3", error: null },
  ];
  const out = hermesParser.renderResults(outputs, "<tool_call>...</tool_call><|im_end|>");
  assert.is(
    out,
    "\n<|im_start|>user\n<tool_response>\nParis is in France.\n</tool_response>\n<tool_response>\n3\n</tool_response><|im_end|>\n<|im_start|>assistant\n",
  );
});

test("hermesParser closes the assistant turn when the model did not", () => {
  const out = hermesParser.renderResults([{ name: "search", text: "x", error: null }], "<tool_call>...</tool_call>");
  assert.ok(out.startsWith("<|im_end|>\n<|im_start|>user\n<tool_response>\nx\n</tool_response>"), out);
});

test.run();
