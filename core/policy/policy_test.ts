import { test } from "uvu";
import * as assert from "uvu/assert";
import { scriptedPolicy } from "./scripted.ts";
import { solverPolicy } from "./solver.ts";
import { charTokenizer } from "../tokenizer/char_tokenizer.ts";
import type { Sample, Task } from "../types.ts";

const tokenizer = charTokenizer();
const ctx = (text: string) => tokenizer.encode(text);

test("scriptedPolicy() cuts right after the first stop string and keeps it", async () => {
  const policy = scriptedPolicy(tokenizer, () => "a<submit>b<call>c");
  const [out] = await policy.generate([ctx("Q")], { stop: ["<call>", "<submit>"], maxNewTokens: 32 });
  assert.is(tokenizer.decode(out.tokens), "a<submit>");
  assert.is(out.finishReason, "stop");
});

test("scriptedPolicy() honours maxNewTokens, per context too", async () => {
  const policy = scriptedPolicy(tokenizer, (_, i) => ["abcdef", "xy"][i]);
  const outs = await policy.generate([ctx("1"), ctx("2")], { maxNewTokens: [3, 5] });
  assert.equal(outs.map((o) => [tokenizer.decode(o.tokens), o.finishReason]), [["abc", "length"], ["xy", "stop"]]);
});

test("scriptedPolicy() ends at an EOS only where the script writes one", async () => {
  const policy = scriptedPolicy(tokenizer, (text) => (text === "eos" ? "done<|endoftext|>more" : "done"));
  const [withEos, without] = await policy.generate([ctx("eos"), ctx("no")], { maxNewTokens: 32, stop: [] });
  assert.equal([withEos.tokens.at(-1), withEos.finishReason], [tokenizer.eosId, "eos"]);
  assert.ok(!without.tokens.includes(tokenizer.eosId));
});

test("scriptedPolicy() sees each context decoded and its index in the batch", async () => {
  const seen: [string, number][] = [];
  const policy = scriptedPolicy(tokenizer, (text, i) => (seen.push([text, i]), ""));
  await policy.generate([ctx("<tool_call>é"), ctx("b")], { maxNewTokens: 1 });
  assert.equal(seen, [["<tool_call>é", 0], ["b", 1]]);
});

interface AddSample extends Sample {
  a: number;
  b: number;
}

const addTask: Task<AddSample> = {
  name: "add",
  description: "adds",
  tools: [],
  samples: ({ n }) =>
    Array.from({ length: n }, (_, i) => ({ id: String(i), question: `${i}+1`, answer: i + 1, a: i, b: 1 })),
  prompt: (s) => `Q: ${s.a}+${s.b}?\n`,
  solve: (s, _format, toolResults) =>
    toolResults.length === 0 ? `<request><Calculator>${s.a}+${s.b}<call>` : `Result = ${toolResults[0]} <submit>`,
  verifier: { name: "none", score: () => 0 },
};

test("solverPolicy() answers each context with the solver of the sample whose prompt it starts with", async () => {
  const samples = addTask.samples({ seed: 0, n: 12 });
  const policy = solverPolicy(addTask, "submit", tokenizer, samples);
  const contexts = [ctx("Q: 11+1?\n"), ctx("Q: 1+1?\n<request><Calculator>1+1<call>2<response>")];
  const outs = await policy.generate(contexts, { maxNewTokens: 64, stop: ["<call>", "<submit>"], toolResults: [[], ["2"]] });
  assert.equal(outs.map((o) => tokenizer.decode(o.tokens)), ["<request><Calculator>11+1<call>", "Result = 2 <submit>"]);
});

test("solverPolicy() answers from the tool results the caller passes, and refuses to guess them from the text", async () => {
  const policy = solverPolicy(addTask, "submit", tokenizer, addTask.samples({ seed: 0, n: 2 }));
  const context = ctx("Q: 1+1?\n<request><Calculator>1+1<call>2<response>");
  const [out] = await policy.generate([context], { maxNewTokens: 64, stop: ["<submit>"], toolResults: [["two"]] });
  assert.is(tokenizer.decode(out.tokens), "Result = two <submit>");
  let message = "";
  await policy.generate([context], { maxNewTokens: 64 }).catch((e: Error) => (message = e.message));
  assert.match(message, /sample "1"'s context goes on past its prompt, but no toolResults were passed for it/);
});

test("solverPolicy() takes the sample the caller names by id, even when another sample's prompt starts the context too", async () => {
  // Every sample has the same prompt here: only the id tells them apart.
  const twin = { ...addTask, prompt: () => "Q: same?\n" };
  const samples = addTask.samples({ seed: 0, n: 3 });
  const policy = solverPolicy(twin, "submit", tokenizer, samples);
  const outs = await policy.generate([ctx("Q: same?\n"), ctx("Q: same?\n")], { maxNewTokens: 64, stop: ["<call>"], sampleIds: ["2", "0"] });
  assert.equal(outs.map((o) => tokenizer.decode(o.tokens)), ["<request><Calculator>2+1<call>", "<request><Calculator>0+1<call>"]);
  let message = "";
  await policy.generate([ctx("Q: same?\n")], { maxNewTokens: 4, sampleIds: ["9"] }).catch((e: Error) => (message = e.message));
  assert.match(message, /sample "9" cannot be solved: it is not among the samples given/);
  const named = solverPolicy(addTask, "submit", tokenizer, samples);
  await named.generate([ctx("Q: 1+1?\n")], { maxNewTokens: 4, sampleIds: ["2"] }).catch((e: Error) => (message = e.message));
  assert.match(message, /sample "2" cannot be solved: its context does not start with its prompt/);
});

test("solverPolicy() rejects a context no sample's prompt starts", async () => {
  const policy = solverPolicy(addTask, "submit", tokenizer, addTask.samples({ seed: 0, n: 1 }));
  let message = "";
  await policy.generate([ctx("other")], { maxNewTokens: 4 }).catch((e: Error) => (message = e.message));
  assert.ok(message.includes("no given sample's prompt"), message);
});

test.run();
