import { test } from "uvu";
import * as assert from "uvu/assert";
import { submitParser } from "./submit.ts";

const tools = ["Calculator", "Wiki"];

test("submitParser reads <request><Tool>query<call> with the raw query", () => {
  const r = submitParser.parse("Let me compute <request><Calculator> 3 * 4<call>", tools);
  assert.equal(r.calls, [{ name: "Calculator", arguments: " 3 * 4", offset: 15 }]);
  assert.equal([r.final, r.errors], [null, []]);
});

test("submitParser takes the text before <submit> as the answer", () => {
  const r = submitParser.parse("Result = 12 <submit>", tools);
  assert.equal([r.calls, r.final, r.errors], [[], "Result = 12", []]);
});

test("submitParser answer starts after the last tool exchange of a whole response", () => {
  const text = "<request><Calculator>3*4<call>12<response>Result = 12 <submit>";
  const r = submitParser.parse(text, tools);
  assert.is(r.final, "Result = 12");
  assert.equal(r.calls.map((c) => c.arguments), ["3*4"]);
});

test("submitParser reads several calls in order and ignores text after <submit>", () => {
  const text =
    "<request><Wiki>Paris<call>x<response><request><Calculator>1+1<call>2<response>ok<submit><request><Wiki>late<call>";
  const r = submitParser.parse(text, tools);
  assert.equal(r.calls.map((c) => [c.name, c.arguments]), [["Wiki", "Paris"], ["Calculator", "1+1"]]);
  assert.is(r.final, "ok");
});

test("submitParser tolerates whitespace before the tool tag", () => {
  const r = submitParser.parse("<request>\n <Calculator>2+2<call>", tools);
  assert.equal(r.calls.map((c) => c.name), ["Calculator"]);
});

test("submitParser reports a request without a tool tag as missing_tag", () => {
  const r = submitParser.parse("<request>2+2<call>", tools);
  assert.equal(r.calls, []);
  assert.equal(r.errors.map((e) => [e.kind, e.text]), [["missing_tag", "<request>2+2<call>"]]);
  assert.ok(r.errors[0].message.includes("<Calculator>"), r.errors[0].message);
});

test("submitParser reports <call> without <request> as missing_tag", () => {
  const r = submitParser.parse("2+2<call>", tools);
  assert.equal(r.errors.map((e) => e.kind), ["missing_tag"]);
});

test("submitParser reports an unclosed request", () => {
  const r = submitParser.parse("ok <request><Calculator>2+", tools);
  assert.equal(r.errors.map((e) => [e.kind, e.text, e.offset]), [["unclosed", "<request><Calculator>2+", 3]]);
  assert.is(r.final, null);
});

test("submitParser closes the nearest request and reports the earlier one as unclosed", () => {
  const r = submitParser.parse("<request><Wiki>a<request><Calculator>1+1<call>", tools);
  assert.equal(r.calls.map((c) => c.name), ["Calculator"]);
  assert.equal(r.errors.map((e) => [e.kind, e.text]), [["unclosed", "<request><Wiki>a"]]);
});

test("submitParser reports unknown tools only when tool names are given", () => {
  const text = "<request><Search>cats<call>";
  assert.equal(submitParser.parse(text, tools).errors.map((e) => e.kind), ["unknown_tool"]);
  assert.ok(submitParser.parse(text, tools).errors[0].message.includes("Calculator, Wiki"));
  assert.equal(submitParser.parse(text).calls.map((c) => c.name), ["Search"]);
});

test("submitParser text without tags has no call and no answer", () => {
  assert.equal(submitParser.parse("I think it is 4.", tools), { calls: [], final: null, errors: [] });
});

test("submitParser writes each result followed by <response>", () => {
  const out = submitParser.renderResults(
    [{ name: "Calculator", text: "12", error: null }, {
      name: "Wiki",
      text: "Tool error: boom",
      error: "tool_exception",
    }],
    "<request><Calculator>3*4<call>",
  );
  assert.is(out, "12<response>Tool error: boom<response>");
});

test("submitParser stops at <call> and <submit>", () => {
  assert.equal(submitParser.stop, ["<call>", "<submit>"]);
  assert.equal(submitParser.specialTokens, ["<request>", "<call>", "<response>", "<submit>"]);
});

test.run();
