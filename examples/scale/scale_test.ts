// The TRL and verl files of docs/scale.md: the page shows each as it is, and what they say about toolrl's
// calculator tool is what the tool server serves. (The trainers themselves are not installed here.)
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFile } from "node:fs/promises";
import { calculator, toolSchemas } from "../../mod.ts";
import { createToolServer } from "../../server.ts";
import { createSessions } from "../../server/env/sessions.ts";

const read = (path: string) => readFile(new URL(path, import.meta.url), "utf8");
const [served] = toolSchemas(calculator().tools);

test("docs/scale.md shows each TRL and verl file whole, as it is", async () => {
  const page = await read("../../docs/scale.md");
  for (const [file, language] of [
    ["trl/grpo_env.py", "python"],
    ["verl/toolrl_tool.py", "python"],
    ["verl/tool_config.yaml", "yaml"],
    ["verl/reward.py", "python"],
    ["verl/toolrl_calculator_grpo.yaml", "yaml"],
  ]) {
    const source = await read(`./${file}`);
    assert.ok(page.includes("```" + language + "\n" + source + "```"), `docs/scale.md must show examples/scale/${file} in full`);
  }
});

test("verl's tool_config.yaml gives the calculator the schema GET /tools serves", async () => {
  const config = await read("./verl/tool_config.yaml");
  const schema = /^\s+tool_schema: (\{.*\})$/m.exec(config)?.[1];
  assert.ok(schema, "tool_schema is one JSON line");
  assert.equal(JSON.parse(schema!), JSON.parse(JSON.stringify(served)));
  assert.match(config, /class_name: toolrl_tool\.ToolrlTool/);
});

test("TRL's environment exposes the calculator with the served tool's name, argument and description", async () => {
  const env = await read("./trl/grpo_env.py");
  const parameters = served.function.parameters as { properties: Record<string, { description: string }> };
  assert.match(env, new RegExp(`def ${served.function.name}\\(self, expression: str\\) -> str:`));
  assert.ok(env.includes(served.function.description), "the docstring opens with the tool's description");
  assert.ok(env.includes(`expression: ${parameters.properties.expression.description}`), "the Args line is the argument's description");
});

test("the messages TRL's environment sends over /ws reach the verifier's reward: reset, a tool call, the answer", async () => {
  const task = calculator().tasks[0];
  const sessions = createSessions([task]);
  const session = sessions.open();
  type Reply = { type: string; data: { observation: Record<string, unknown>; reward: number | null; done: boolean } };
  const send = async (type: string, data: unknown) => (await sessions.handle(session, { type, data })) as Reply;
  const [sample] = task.samples({ seed: 7, n: 1 });
  const reset = await send("reset", { task: "calculator", seed: 7, format: "hermes" });
  assert.is(reset.data.observation.question, sample.question, "reset() returns this to TRL");
  const call = { name: "calculator", arguments: { expression: String((sample as { expression?: string }).expression) } };
  const tool = await send("step", { tool_calls: [call] });
  const [result] = tool.data.observation.tool_results as { text: string }[];
  assert.is(Number(result.text), Number(sample.answer), "calculator() returns tool_results[0].text");
  const final = await send("step", { text: `The answer is ${result.text}.` });
  assert.equal([final.data.done, final.data.reward], [true, 1], "_finish() reads done and reward");
  await sessions.close(session);
});

test("/reward scores the turns verl's reward.py splits a decoded multi-turn response into", async () => {
  const plugin = calculator();
  const task = plugin.tasks[0];
  const app = createToolServer({ plugins: [plugin], env: { tasks: [task] } });
  const [sample] = task.samples({ seed: 4, n: 1 });
  // reward.py's turns(): re.split(r"(<tool_response>.*?</tool_response>)", text, flags=re.S), empty parts dropped
  const turns = (text: string) =>
    text.split(/(<tool_response>[\s\S]*?<\/tool_response>)/).filter((p) => p.trim() !== "")
      .map((p) => ({ role: p.startsWith("<tool_response>") ? "tool" : "assistant", content: p }));
  const decoded = (answer: unknown) =>
    `<tool_call>\n{"name": "calculator", "arguments": {"expression": ${JSON.stringify(String(sample.question))}}}\n</tool_call>user\n` +
    `<tool_response>\n${answer}\n</tool_response>\nassistant\nThe answer is ${answer}.`;
  const score = async (body: Record<string, unknown>) => {
    const request = new Request("http://localhost/reward", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    return (await (await app.fetch(request)).json()).score;
  };
  const item = { task: task.name, sample, format: "hermes" };
  assert.is(await score({ ...item, messages: turns(decoded(sample.answer)) }), 1);
  assert.is(await score({ ...item, messages: turns(decoded(Number(sample.answer) + 1)) }), 0);
  assert.is(await score({ ...item, completion: decoded(sample.answer) }), 0, "unsplit, the answer hides behind the tool call");
});

test.run();
