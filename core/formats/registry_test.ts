import { test } from "uvu";
import * as assert from "uvu/assert";
import * as v from "valibot";
import { defineTool } from "../plugin/define_tool.ts";
import { formatNames, getFormat, getParser, hasFormat, registerFormat, submitFormat } from "./mod.ts";

const tool = defineTool({ name: "lookup", description: "Looks up a key.", parameters: v.object({ key: v.string() }), run: () => "" });
const call = { name: "lookup", arguments: { key: "a b" }, query: "a b" };

test("the built-in formats are registered under their names, and getParser() is their lookup", () => {
  assert.equal(formatNames(), ["submit", "hermes", "react", "llama3_json"]);
  for (const name of formatNames()) {
    assert.is(getFormat(name).name, name);
    assert.is(getParser(name), getFormat(name));
    assert.ok(hasFormat(name));
  }
  assert.is(getParser("hermes", { repairJson: true }), getFormat("hermes").lenient);
  assert.is(getParser("submit", { repairJson: true }), getFormat("submit"));
  assert.throws(() => getFormat("xml"), /unknown format "xml"; use one of: submit, hermes, react, llama3_json/);
  assert.not.ok(hasFormat("xml"));
});

test("every built-in format writes calls, answers and results that its own parser reads back", () => {
  for (const name of formatNames()) {
    const format = getFormat(name);
    const turn = format.call(call);
    const parsed = format.parse(turn, ["lookup"]);
    assert.equal(parsed.errors, [], name);
    assert.equal(parsed.calls.map((c) => [c.name, c.arguments]), [["lookup", format.argumentsAsText ? "a b" : call.arguments]], name);
    assert.ok(format.stop.some((stop) => turn.endsWith(stop)), `${name} call ends on a stop string`);
    const final = format.parse(format.final("42"));
    assert.equal([final.final, final.calls.length], ["42", 0], name);
    const tool_ = format.renderResults([{ name: "lookup", text: "line 1\nline 2", error: null }], turn);
    assert.ok(tool_.includes("line 1\nline 2"), `${name} writes the result verbatim`);
    assert.ok(format.wroteToolOutput(turn + tool_), `${name} sees tool output in text holding it`);
    assert.not.ok(format.wroteToolOutput(turn), `${name} sees no tool output in a bare call`);
    const fewShot = format.fewShot([tool], ["EXAMPLE"]);
    assert.ok(fewShot.startsWith(format.toolsHeader([tool])) && fewShot.includes("EXAMPLE"), name);
  }
});

test("structured calls written with writeCalls() parse back to the same calls", () => {
  for (const name of formatNames()) {
    const format = getFormat(name);
    if (!format.writeCalls) continue;
    const parsed = format.parse(format.writeCalls([{ name: "lookup", arguments: { key: "a b" } }], ""), ["lookup"]);
    assert.equal(parsed.errors, [], name);
    assert.equal(parsed.calls.map((c) => [c.name, c.arguments]), [["lookup", format.argumentsAsText ? "a b" : { key: "a b" }]], name);
  }
  assert.is(getFormat("react").writeCalls!([{ name: "f", arguments: {} }], "why"), "Thought: why\nAction: f\nAction Input: {}\n");
});

test("llama3_json, now a whole format, writes Llama 3.1's turns", () => {
  const format = getFormat("llama3_json");
  assert.is(format.question("Hi?"), "<|start_header_id|>user<|end_header_id|>\n\nHi?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n");
  assert.is(format.call(call), '{"name":"lookup","parameters":{"key":"a b"}}<|eom_id|>');
  assert.is(format.final("42"), "42<|eot_id|>");
  assert.match(format.toolsHeader([tool]), /^<\|start_header_id\|>system<\|end_header_id\|>\n\n.*"name":"lookup"/s);
});

test("registerFormat() adds a format, accepts the same object twice, and names what is wrong otherwise", () => {
  const echo = { ...submitFormat, name: "echo_test" };
  assert.is(registerFormat(echo), echo);
  assert.is(registerFormat(echo), echo);
  assert.is(getFormat("echo_test"), echo);
  assert.ok(formatNames().includes("echo_test"));
  assert.throws(() => registerFormat({ ...submitFormat, name: "echo_test" }), /a different format is already registered as "echo_test"/);
  assert.throws(() => registerFormat({ ...submitFormat, name: "submit" }), /already registered as "submit"/);
  assert.throws(() => registerFormat({ ...submitFormat, name: "bad name" }), /name "bad name" must be a word/);
  const { fewShot: _, ...partial } = submitFormat;
  assert.throws(() => registerFormat({ ...partial, name: "partial" } as never), /format "partial" lacks fewShot/);
  assert.throws(() => registerFormat({ ...submitFormat, name: "nostop", stop: "x" } as never), /lacks stop \(a list\)/);
});

test.run();
