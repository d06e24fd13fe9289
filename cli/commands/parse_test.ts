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

test("toolrl parse answers 5-million-deep nesting with the JSON or a clear error, never a stack overflow", async () => {
  const depth = 5_000_000;
  const text = `<tool_call>{"name": "a", "arguments": {"x": ${"[".repeat(depth)}${"]".repeat(depth)}}}</tool_call>`;
  const io = memoryIO(text);
  const code = await main(["parse", "--format", "hermes"], io);
  // Node's JSON.stringify overflows at this depth (the error path); Deno's newer V8 writes it
  if (code === 1) {
    assert.match(io.err, /nest too deeply to write as JSON/);
    assert.is(io.out, "");
  } else {
    assert.is(code, 0, io.err);
    assert.ok(io.out.startsWith('{"calls":[{"name":"a","arguments":{"x":[[[') && io.out.length > 2 * depth);
  }
});

test("toolrl parse refuses input that is not UTF-8 unless --lossy, and repairs JSON only with --repair-json", async () => {
  const bytes = new Uint8Array([...new TextEncoder().encode("Final Answer: caf"), 0xe9, 0x21]);
  const strict = memoryIO(bytes);
  assert.is(await main(["parse", "--format", "react"], strict), 1);
  assert.match(strict.err, /not valid UTF-8.*--lossy/);
  const lossy = memoryIO(bytes);
  assert.is(await main(["parse", "--format", "react", "--lossy"], lossy), 0);
  assert.is(JSON.parse(lossy.out).final, "caf\ufffd!");
  const slip = "<tool_call>{'name': 'a', 'arguments': {'x': 1,}}</tool_call>";
  const plain = memoryIO(slip);
  await main(["parse", "--format", "hermes"], plain);
  assert.is(JSON.parse(plain.out).errors[0].kind, "bad_json");
  const repaired = memoryIO(slip);
  await main(["parse", "--format", "hermes", "--repair-json"], repaired);
  assert.equal(JSON.parse(repaired.out).calls, [{ name: "a", arguments: { x: 1 } }]);
});

test.run();
