/**
 * Hugging Face tokenizers (`tokenizer.json` + `tokenizer_config.json`) loaded from a local folder through
 * `@huggingface/transformers` with remote models switched off, wrapped into the core `Tokenizer`.
 */
import type { Tokenizer } from "../../../../core/types.ts";
import { defaultFileSystem, type FileSystem, joinPath, parentPath } from "../fs/fs.ts";

/** A Hugging Face tokenizer with the files it came from (a checkpoint save writes them again). */
export interface HfTokenizer extends Tokenizer {
  readonly files: Readonly<Record<string, Uint8Array>>;
  /** The model's Jinja chat template (`chat_template.jinja`, else `tokenizer_config.json`'s), or null when it has none. */
  readonly chatTemplate: string | null;
  /** Renders a conversation with the model's chat template and tools as `apply_chat_template(..., tokenize=False)` does. */
  renderChat(messages: readonly ChatMessage[], options?: RenderChatOptions): string;
}

/** A chat message as Hugging Face chat templates read it (`role`, `content`, optional `tool_calls` and more). */
export type ChatMessage = { role: string; content?: string | null; [key: string]: unknown };

/** Options of `HfTokenizer.renderChat`. */
export interface RenderChatOptions {
  /** Tools as OpenAI function schemas (`{type: "function", function: {name, description, parameters}}`). */
  tools?: readonly Record<string, unknown>[];
  /** Appends the header of an assistant turn, as HF's `add_generation_prompt`. */
  addGenerationPrompt?: boolean;
}

/** The tokenizer files of a Hugging Face model folder that a checkpoint carries along, when present. */
export const HF_TOKENIZER_FILES = ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "chat_template.jinja"];

/** Options of `loadHfTokenizer`. */
export interface LoadHfTokenizerOptions {
  fs?: FileSystem;
  /** EOS id to use when `tokenizer_config.json` names no `eos_token` (e.g. `eos_token_id` of config.json). */
  eosId?: number;
}

async function readFiles(dir: string, fs: FileSystem): Promise<Record<string, Uint8Array>> {
  const files: Record<string, Uint8Array> = {};
  for (const name of HF_TOKENIZER_FILES) {
    const path = joinPath(dir, name);
    if (await fs.exists(path)) files[name] = await fs.readFile(path);
  }
  for (const required of ["tokenizer.json", "tokenizer_config.json"]) {
    if (!files[required]) {
      throw new Error(`tokenizer: ${required} is missing in ${dir}; a Hugging Face tokenizer folder needs tokenizer.json and tokenizer_config.json.`);
    }
  }
  for (const name of ["tokenizer.json", "tokenizer_config.json"]) {
    try {
      JSON.parse(new TextDecoder().decode(files[name]));
    } catch (error) {
      throw new Error(`tokenizer: ${joinPath(dir, name)} is not valid JSON (${(error as Error).message}); restore it from the model's source.`);
    }
  }
  return files;
}

function chatTemplateOf(files: Record<string, Uint8Array>): string | null {
  if (files["chat_template.jinja"]) return new TextDecoder().decode(files["chat_template.jinja"]);
  const config = JSON.parse(new TextDecoder().decode(files["tokenizer_config.json"])) as { chat_template?: unknown };
  const template = config.chat_template;
  if (typeof template === "string") return template;
  if (Array.isArray(template)) {
    const named = template.find((entry: { name?: string }) => entry.name === "default") as { template?: string } | undefined;
    return named?.template ?? null;
  }
  return null;
}

/**
 * Loads the Hugging Face tokenizer in `dir` from local files only (no network is tried) as a core `Tokenizer`:
 * `encode` adds no BOS/EOS, `decode` keeps special tokens and spacing as they are.
 *
 * @example
 * ```ts
 * const tokenizer = await loadHfTokenizer("models/Qwen2.5-0.5B");
 * tokenizer.encode("<tool_call>"); // [151657]
 * ```
 */
export async function loadHfTokenizer(dir: string, options: LoadHfTokenizerOptions = {}): Promise<HfTokenizer> {
  const fs = options.fs ?? await defaultFileSystem();
  const files = await readFiles(dir, fs);
  const { AutoTokenizer, env } = await import("@huggingface/transformers");
  const saved = { allowRemoteModels: env.allowRemoteModels, allowLocalModels: env.allowLocalModels, localModelPath: env.localModelPath };
  const absolute = fs.absolute(dir);
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = parentPath(absolute);
  // An absolute path is not a Hub model id, so transformers.js reads `${absolute}/tokenizer.json` as it is.
  const hf = await AutoTokenizer.from_pretrained(absolute, { local_files_only: true }).finally(() => Object.assign(env, saved));

  const json = JSON.parse(new TextDecoder().decode(files["tokenizer.json"])) as { added_tokens?: { id: number; content: string }[] };
  const specialTokens: Record<string, number> = {};
  for (const { id, content } of json.added_tokens ?? []) specialTokens[content] = id;
  const vocab = hf.get_vocab() as Map<string, number> | Record<string, number>;
  const ids = [...(vocab instanceof Map ? vocab.values() : Object.values(vocab)), ...Object.values(specialTokens)];
  const eosId = hf.eos_token_id ?? options.eosId;
  if (eosId === undefined || eosId === null) {
    throw new Error(`tokenizer: ${dir}/tokenizer_config.json names no eos_token and no eosId was given; add "eos_token" to it.`);
  }
  const chatTemplate = chatTemplateOf(files);
  const renderChat = (messages: readonly ChatMessage[], render: RenderChatOptions = {}): string => {
    if (chatTemplate === null) {
      throw new Error(`tokenizer: ${dir} has no chat template; add "chat_template" to tokenizer_config.json or a chat_template.jinja file.`);
    }
    return hf.apply_chat_template(messages as Parameters<typeof hf.apply_chat_template>[0], {
      chat_template: chatTemplate,
      tools: render.tools as NonNullable<Parameters<typeof hf.apply_chat_template>[1]>["tools"],
      add_generation_prompt: render.addGenerationPrompt ?? false,
      tokenize: false,
    }) as string;
  };
  return {
    chatTemplate,
    renderChat,
    vocabSize: ids.reduce((max, id) => Math.max(max, id + 1), 0),
    specialTokens,
    eosId,
    padId: hf.pad_token_id ?? eosId,
    bosId: hf.bos_token_id ?? null,
    encode: (text) => (text === "" ? [] : hf.encode(text, { add_special_tokens: false })),
    decode: (tokens) =>
      tokens.length === 0 ? "" : hf.decode(Array.from(tokens), { skip_special_tokens: false, clean_up_tokenization_spaces: false }),
    files,
  };
}
