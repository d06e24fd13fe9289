import { test } from "uvu";
import * as assert from "uvu/assert";
import { main } from "../main.ts";
import { memoryIO } from "../io.ts";

async function parse(args: string[], stdin: string) {
  const io = memoryIO(stdin);
  const code = await main(["parse", ...args], io);
  return { code, io, json: code === 0 ? JSON.parse(io.out) : null };
}

test("toolrl parse --format submit prints the raw query as arguments", async () => {
  const { code, json, io } = await parse(["--format", "submit"], "<request><Calculator>3*4<call>");
  assert.is(code, 0);
  assert.equal(json, { calls: [{ name: "Calculator", arguments: "3*4" }], final: null, errors: [] });
  assert.ok(io.out.endsWith("}\n"));
});

test("toolrl parse --format hermes prints parallel calls with parsed arguments", async () => {
  const text =
    '<tool_call>\n{"name": "a", "arguments": {"x": 1}}\n</tool_call>\n<tool_call>{"name": "b", "arguments": "{\\"y\\": 2}"}</tool_call><|im_end|>';
  const { json } = await parse(["--format=hermes"], text);
  assert.equal(json.calls, [{ name: "a", arguments: { x: 1 } }, { name: "b", arguments: { y: 2 } }]);
});

test("toolrl parse --format react prints the final answer", async () => {
  const { json } = await parse(["--format", "react"], "Thought: known\nFinal Answer: Paris\n");
  assert.equal(json, { calls: [], final: "Paris", errors: [] });
});

test("toolrl parse lists malformed calls and unknown tools from --tools as errors", async () => {
  const text =
    '<tool_call>{"name": "a", "arguments": {</tool_call><tool_call>{"name": "zzz", "arguments": {}}</tool_call>';
  const { code, json } = await parse(["--format", "hermes", "--tools", "a, b"], text);
  assert.is(code, 0);
  assert.equal(json.errors.map((e: { kind: string }) => e.kind), ["bad_json", "unknown_tool"]);
  assert.equal(Object.keys(json.errors[0]).sort(), ["kind", "message", "text"]);
});

test("toolrl parse --format llama3_json prints a Llama 3.1 JSON call", async () => {
  const { json } = await parse(["--format", "llama3_json"], '{"name": "a", "parameters": {"x": 1}}<|eom_id|>');
  assert.equal(json, { calls: [{ name: "a", arguments: { x: 1 } }], final: null, errors: [] });
});

test("toolrl parse without a known --format exits 2 and says what to give", async () => {
  for (const args of [[], ["--format", "xml"]]) {
    const { code, io } = await parse(args, "x");
    assert.is(code, 2);
    assert.ok(io.err.includes("submit, hermes, react or llama3_json"), io.err);
  }
});

test("toolrl parse --help prints the output shape", async () => {
  const io = memoryIO("");
  assert.is(await main(["parse", "--help"], io), 0);
  assert.ok(io.out.includes('"final"'));
});

test.run();
