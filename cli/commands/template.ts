/**
 * `toolrl template <model-dir>`: `{"messages", "tools"?, "add_generation_prompt"?}` JSON on stdin, the model's chat
 * template rendered on stdout exactly (nothing added), for checking against other tools.
 */
import type { CliIO } from "../io.ts";
import { tryReadFlags } from "./flags.ts";
import { type ChatMessage, loadHfTokenizer } from "../../trainer/engine/io/tokenizer/hf_tokenizer.ts";

export const help = `toolrl template <model-dir>

Reads {"messages": [...], "tools"?: [...], "add_generation_prompt"?: bool} as JSON on stdin and writes the
conversation rendered with the chat template of <model-dir> (tokenizer.json + tokenizer_config.json, or
chat_template.jinja) to stdout, exactly as rendered: no newline is added.`;

interface TemplateInput {
  messages: ChatMessage[];
  tools?: Record<string, unknown>[];
  add_generation_prompt?: boolean;
}

function parseInput(text: string): TemplateInput {
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    throw new Error(`stdin is not JSON (${(error as Error).message}); give {"messages": [...]}.`);
  }
  const value = input as Partial<TemplateInput> | null;
  if (value === null || typeof value !== "object" || !Array.isArray(value.messages)) {
    throw new Error(`stdin needs an object with a "messages" array; got ${text.slice(0, 80)}.`);
  }
  if (value.tools !== undefined && value.tools !== null && !Array.isArray(value.tools)) {
    throw new Error(`"tools" must be an array of function schemas; got ${JSON.stringify(value.tools).slice(0, 80)}.`);
  }
  return value as TemplateInput;
}

/** Runs `toolrl template`; exit code 2 for a missing folder argument, 1 for bad input or a missing template. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const read = tryReadFlags(argv, {});
  const dir = typeof read === "string" ? undefined : read.positional[0];
  if (dir === undefined) {
    const why = typeof read === "string" ? read : "no model folder";
    io.stderr(`toolrl template: ${why}; give toolrl template <model-dir>\n`);
    return 2;
  }
  try {
    const input = parseInput(await io.readStdin());
    const tokenizer = await loadHfTokenizer(dir);
    io.stdout(tokenizer.renderChat(input.messages, {
      tools: input.tools ?? undefined,
      addGenerationPrompt: input.add_generation_prompt ?? false,
    }));
    return 0;
  } catch (error) {
    io.stderr(`toolrl template: ${(error as Error).message}\n`);
    return 1;
  }
}
