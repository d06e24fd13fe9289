import { test } from "uvu";
import * as assert from "uvu/assert";
import { llama3JsonParser } from "./llama3_json.ts";
import { getParser } from "./mod.ts";

const tools = ["search", "calculator"];

test("llama3JsonParser reads a call with parameters as Llama 3.1 writes it", () => {
  const r = llama3JsonParser.parse('{"name": "search", "parameters": {"query": "Paris"}}<|eom_id|>', tools);
  assert.equal(r.calls, [{ name: "search", arguments: { query: "Paris" }, offset: 0 }]);
  assert.equal([r.final, r.errors], [null, []]);
});

test("llama3JsonParser skips the assistant header and <|python_tag|>, accepts arguments, and splits calls on ;", () => {
  const text = '<|start_header_id|>assistant<|end_header_id|>\n\n<|python_tag|>{"name": "search", "arguments": {"query": "a"}}; ' +
    '{"name": "calculator", "parameters": "{\\"expression\\": \\"1+2\\"}"}<|eot_id|>';
  const r = llama3JsonParser.parse(text, tools);
  assert.equal(r.calls.map((c) => [c.name, c.arguments]), [["search", { query: "a" }], ["calculator", { expression: "1+2" }]]);
  assert.equal(r.errors, []);
});

test("llama3JsonParser takes a turn that is not JSON as the final answer", () => {
  const r = llama3JsonParser.parse("The answer is 42.<|eot_id|>", tools);
  assert.equal(r, { calls: [], final: "The answer is 42.", errors: [] });
});

test("llama3JsonParser turns malformed calls into errors and never throws", () => {
  assert.equal(llama3JsonParser.parse('{"name": "search", "parameters": {<|eot_id|>', tools).errors.map((e) => e.kind), ["bad_json"]);
  assert.equal(llama3JsonParser.parse('{"parameters": {}}', tools).errors.map((e) => e.kind), ["bad_format"]);
  assert.equal(llama3JsonParser.parse('{"name": "search", "parameters": 3}', tools).errors.map((e) => e.kind), ["bad_format"]);
  assert.equal(llama3JsonParser.parse('{"name": "zzz", "parameters": {}}', tools).errors.map((e) => e.kind), ["unknown_tool"]);
  for (const junk of ["{", "{;{", "<|python_tag|>", "", "{\"name\": 1}"]) llama3JsonParser.parse(junk, tools);
});

test("llama3JsonParser writes results as ipython turns and opens the next assistant turn", () => {
  const out = llama3JsonParser.renderResults([{ name: "search", text: "Paris", error: null }], '{"name": "search", "parameters": {}}');
  assert.is(out, "<|eot_id|><|start_header_id|>ipython<|end_header_id|>\n\nParis<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n");
  const closed = llama3JsonParser.renderResults([{ name: "s", text: "x", error: null }], "{}<|eom_id|>");
  assert.ok(closed.startsWith("<|start_header_id|>ipython"));
  assert.equal(getParser("llama3_json").stop, ["<|eot_id|>", "<|eom_id|>"]);
});

test.run();
