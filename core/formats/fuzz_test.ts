import { test } from "uvu";
import * as assert from "uvu/assert";
import { parsers } from "./mod.ts";
import type { ParseResult } from "../types.ts";
import { seededRandom } from "../random/mod.ts";

const pieces = [
  "<request>",
  "<call>",
  "<response>",
  "<submit>",
  "<Calculator>",
  "<",
  ">",
  "<tool_call>",
  "</tool_call>",
  "<tool_response>",
  "<|im_start|>",
  "<|im_end|>",
  "assistant\n",
  "Thought:",
  "Action:",
  "Action Input:",
  "Observation:",
  "Final Answer:",
  "{",
  "}",
  "[",
  "]",
  '"',
  "'",
  "\\",
  ":",
  ",",
  "\n",
  " ",
  "name",
  "arguments",
  '"name"',
  '"arguments"',
  "True",
  "None",
  "search",
  "1+2",
  "é",
  "😀",
  "\u0000",
  "```json\n",
  "```",
  "\ud800",
];
const seeds = [
  "<request><Calculator>3*4<call>12<response>Result = 12 <submit>",
  '<tool_call>\n{"name": "search", "arguments": {"query": "a"}}\n</tool_call>\n<tool_call>{"name": "calculator", "arguments": "{\\"x\\": 1}"}</tool_call><|im_end|>',
  "Thought: go\nAction: search\nAction Input: {'query': 'b', 'n': True}\nObservation: x\nFinal Answer: b",
];

function randomText(rand: () => number): string {
  const n = Math.floor(rand() * 40);
  let out = "";
  for (let i = 0; i < n; i++) {
    out += rand() < 0.7 ? pieces[Math.floor(rand() * pieces.length)] : String.fromCharCode(Math.floor(rand() * 0x3000));
  }
  return out;
}

function mutate(text: string, rand: () => number): string {
  let out = text;
  const edits = 1 + Math.floor(rand() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rand() * (out.length + 1));
    const len = Math.floor(rand() * 8);
    const op = Math.floor(rand() * 4);
    if (op === 0) out = out.slice(0, at) + out.slice(at + len);
    else if (op === 1) out = out.slice(0, at) + pieces[Math.floor(rand() * pieces.length)] + out.slice(at);
    else if (op === 2) out = out.slice(0, at) + out.slice(at, at + len).repeat(3) + out.slice(at);
    else out = out.slice(at) + out.slice(0, at);
  }
  return out;
}

const kinds = new Set(["bad_json", "bad_format", "missing_tag", "unclosed", "unknown_tool"]);

function checkShape(text: string, r: ParseResult): void {
  assert.ok(Array.isArray(r.calls) && Array.isArray(r.errors), "calls and errors are arrays");
  assert.ok(r.final === null || typeof r.final === "string", "final is a string or null");
  for (const call of r.calls) {
    assert.type(call.name, "string");
    assert.ok(call.name.length > 0, "a call has a name");
    assert.ok("arguments" in call, "a call has arguments");
    assert.ok(call.offset! >= 0 && call.offset! <= text.length, "call offset in range");
  }
  for (const error of r.errors) {
    assert.ok(kinds.has(error.kind), `known error kind ${error.kind}`);
    assert.type(error.message, "string");
    assert.ok(text.startsWith(error.text, error.offset), "error text is the stretch at its offset");
  }
}

for (const parser of Object.values(parsers)) {
  test(`${parser.name}Parser never throws on 3000 random and mutated strings`, () => {
    const rand = seededRandom(parser.name.length * 7919).next; // seeded, so a failure can be replayed
    for (let i = 0; i < 3000; i++) {
      const text = i % 2 === 0 ? randomText(rand) : mutate(seeds[i % seeds.length], rand);
      const toolNames = i % 3 === 0 ? undefined : ["search", "calculator", "Calculator"];
      let result: ParseResult | undefined;
      try {
        result = parser.parse(text, toolNames);
        parser.renderResults([{ name: "x", text, error: null }], text);
      } catch (error) {
        assert.unreachable(`${parser.name} threw on ${JSON.stringify(text)}: ${error}`);
      }
      checkShape(text, result!);
    }
  });

  test(`${parser.name}Parser reads huge and deeply nested input quickly`, () => {
    const started = performance.now();
    const deep = "[".repeat(50_000);
    for (
      const text of [
        deep,
        `<tool_call>${deep}</tool_call>`,
        `Action: a\nAction Input: ${deep}`,
        "<request>".repeat(20_000),
        "<call>".repeat(20_000),
        "</tool_call>".repeat(20_000),
        "Action:".repeat(20_000),
      ]
    ) {
      checkShape(text, parser.parse(text, ["a"]));
    }
    assert.ok(performance.now() - started < 3000, `took ${performance.now() - started} ms`);
  });
}

test.run();
