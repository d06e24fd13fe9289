import { test } from "uvu";
import * as assert from "uvu/assert";
import { getParser } from "../formats/mod.ts";
import type { FormatName } from "../types.ts";
import * as v from "valibot";
import { defineTool } from "./define_tool.ts";
import { callTurn, finalTurn, hermesSystemPrompt, questionPrompt, workedExample } from "./turns.ts";

const formats: FormatName[] = ["submit", "hermes", "react"];
const call = { name: "lookup", arguments: { key: "a b", n: 2 }, query: "a b" };

test("questionPrompt() asks in each format's shape", () => {
  assert.is(questionPrompt("Why?", "submit"), "Why?\n");
  assert.is(questionPrompt("Why?", "hermes"), "<|im_start|>user\nWhy?<|im_end|>\n<|im_start|>assistant\n");
  assert.is(questionPrompt("Why?", "react"), "Question: Why?\n");
});

test("callTurn() writes a call the format's parser reads back and ends on a stop string", () => {
  for (const format of formats) {
    const parser = getParser(format);
    const turn = callTurn(format, call);
    const parsed = parser.parse(turn, ["lookup"]);
    assert.equal(parsed.errors, [], format);
    assert.equal(parsed.calls.map((c) => [c.name, c.arguments]), [[
      "lookup",
      format === "submit" ? "a b" : call.arguments,
    ]]);
    assert.ok(parser.stop.some((stop) => turn.endsWith(stop)), format);
  }
  assert.is(callTurn("submit", { name: "f", arguments: { x: 1 } }), '<request><f>{"x":1}<call>');
});

test("finalTurn() writes an answer the format's parser reads as final", () => {
  for (const format of formats) {
    const parsed = getParser(format).parse(finalTurn(format, "42", { thought: "easy" }));
    assert.is(parsed.final?.endsWith("42"), true, format);
    assert.is(parsed.calls.length, 0);
  }
  assert.is(finalTurn("react", "42", { thought: "easy" }), "Thought: easy\nFinal Answer: 42");
});

test("workedExample() writes question, call, the result as the format renders it, and the answer", () => {
  const example = { question: "Why?", call, result: "7", answer: "Final Answer: 7" };
  assert.is(workedExample("react", example), 'Question: Why?\nAction: lookup\nAction Input: {"key":"a b","n":2}\nObservation: 7\nFinal Answer: 7');
  assert.is(workedExample("submit", { ...example, answer: "7 <submit>" }), "Why?\n<request><lookup>a b<call>7<response>7 <submit>");
});

test("hermesSystemPrompt() lists the tools' function schemas in a system turn", () => {
  const tool = defineTool({
    name: "lookup",
    description: "Looks up.",
    parameters: v.object({ key: v.string() }),
    run: () => "",
  });
  const prompt = hermesSystemPrompt([tool]);
  assert.ok(prompt.startsWith("<|im_start|>system\n") && prompt.endsWith("<|im_end|>\n"));
  const listed = JSON.parse(/<tools>\n(.*)\n<\/tools>/.exec(prompt)![1]);
  assert.equal(listed.function.name, "lookup");
  assert.equal(listed.function.parameters.required, ["key"]);
});

test.run();
