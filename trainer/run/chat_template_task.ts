/**
 * Prompts in the model's own chat template: for a tokenizer that carries one (a Hugging Face model folder), the
 * hermes prompt of each sample is the template's rendering of the question as a user turn with the task's tools
 * (`apply_chat_template(messages, tools=..., add_generation_prompt=True)`), instead of the task's built-in ChatML.
 * Tool results still go back as the hermes parser writes them, which is how Qwen2.5/Qwen3 templates render tool turns.
 */
import type { FormatName, Sample, Task, Tokenizer } from "../../core/types.ts";
import { toolSchemas } from "../../core/plugin/tool_schemas.ts";
import type { HfTokenizer } from "../engine/io/tokenizer/hf_tokenizer.ts";

/** The tokenizer as an HfTokenizer when it has a chat template, else null. */
function templated(tokenizer: Tokenizer): HfTokenizer | null {
  const hf = tokenizer as Partial<HfTokenizer>;
  return typeof hf.renderChat === "function" && typeof hf.chatTemplate === "string" ? (hf as HfTokenizer) : null;
}

/**
 * `task` with hermes prompts rendered by `tokenizer`'s chat template; the task itself when the format is not
 * hermes or the tokenizer has no template (the built-in char tokenizer).
 *
 * @example
 * ```ts
 * const prompted = withChatTemplate(task, policy.tokenizer, "hermes");
 * prompted.prompt(sample, "hermes"); // "<|im_start|>system\n# Tools\n...<|im_start|>assistant\n"
 * ```
 */
export function withChatTemplate<S extends Sample>(task: Task<S>, tokenizer: Tokenizer, format: FormatName): Task<S> {
  const hf = templated(tokenizer);
  if (format !== "hermes" || hf === null) return task;
  const tools = toolSchemas(task.tools) as unknown as Record<string, unknown>[];
  return {
    ...task,
    prompt: (sample, promptFormat) =>
      promptFormat === "hermes"
        ? hf.renderChat([{ role: "user", content: sample.question }], { tools, addGenerationPrompt: true })
        : task.prompt(sample, promptFormat),
  };
}
