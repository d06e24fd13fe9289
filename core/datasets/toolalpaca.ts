/**
 * ToolAlpaca (tangqiaoyu/ToolAlpaca) to episodes in the `react` format. Its files are lists of APIs, each
 * with its functions (`Function_Description`: name → description) and either generated `Instances`
 * (the training data: `{input, output, "Final Thought", intermediate_steps: [[[tool, input, log], observation]]}`)
 * or, in the evaluation sets, `Instructions` with `Golden_Answers` (`[{Action, Action_Input}]` per
 * instruction). Instances become whole episodes: thought, action and action input as model text, the
 * observation as tool text, then the final answer. Golden answers become episodes of the gold calls; their
 * observations were never recorded, so each call's tool segment holds `observe(call)` (a note by default)
 * and the episode ends on the last call, ready for training the calls or for scoring with a call matcher.
 */
import { isPlainObject } from "../formats/parse_helpers.ts";
import type { Episode, Sample, Tokenizer } from "../types.ts";
import { describe } from "./importer_helpers.ts";
import { type ChatTurn, conversationToEpisode, type DatasetImport } from "./conversation.ts";

/** One gold call of the evaluation sets, with its input parsed. */
export interface GoldenCall {
  name: string;
  arguments: unknown;
}

/** Options of `importToolAlpaca`. */
export interface ToolAlpacaOptions {
  tokenizer: Tokenizer;
  /** The observation written after a gold call (the evaluation sets record none). */
  observe?: (call: GoldenCall, api: string) => string;
  /** Prefix of episode ids (default `toolalpaca`). */
  idPrefix?: string;
}

/** The tool segment text of gold calls when `observe` is not given. */
export const UNRECORDED_OBSERVATION = "(the dataset records no observation for this call)";

/**
 * Episodes from a parsed ToolAlpaca file (a list of APIs): whole episodes from `Instances`, gold-call
 * episodes from `Instructions` + `Golden_Answers`. Records that cannot be read are listed in `skipped`.
 *
 * @example
 * ```ts
 * const apis = await (await fetch(new URL("./toolalpaca/eval_real.json", import.meta.url))).json();
 * const { episodes } = importToolAlpaca(apis, { tokenizer: charTokenizer() });
 * ```
 */
export function importToolAlpaca(data: unknown, options: ToolAlpacaOptions): DatasetImport {
  if (!Array.isArray(data)) {
    throw new Error(`a ToolAlpaca file is a JSON list of APIs, got ${describe(data)}; pass JSON.parse(fileText)`);
  }
  const out: DatasetImport = { episodes: [], skipped: [] };
  data.forEach((api, index) => {
    try {
      out.episodes.push(...apiEpisodes(api, options));
    } catch (error) {
      out.skipped.push({ index, reason: (error as Error).message });
    }
  });
  return out;
}

function apiEpisodes(api: unknown, options: ToolAlpacaOptions): Episode[] {
  if (!isPlainObject(api) || typeof api.Name !== "string") throw new Error(`an API needs a "Name", got ${describe(api)}`);
  const name = api.Name;
  const system = systemPrompt(api);
  const prefix = `${options.idPrefix ?? "toolalpaca"}/${name}`;
  const make = (turns: ChatTurn[], id: string, sample: Sample) =>
    conversationToEpisode([{ role: "system", content: system }, ...turns], {
      id,
      format: "react",
      tokenizer: options.tokenizer,
      sample,
    });
  if (Array.isArray(api.Instances) && api.Instances.length > 0) {
    return api.Instances.map((instance, k) => {
      const { turns, question, answer } = instanceTurns(instance, `${name} instance ${k}`);
      return make(turns, `${prefix}/${k}`, { id: `${prefix}/${k}`, question, answer });
    });
  }
  const instructions = api.Instructions;
  const golden = api.Golden_Answers;
  if (!Array.isArray(instructions) || !Array.isArray(golden) || instructions.length !== golden.length) {
    throw new Error(`API ${name} has neither "Instances" nor as many "Golden_Answers" as "Instructions"`);
  }
  const observe = options.observe ?? (() => UNRECORDED_OBSERVATION);
  return instructions.map((instruction, k) => {
    const question = withAuthentication(String(instruction), api.Authentication);
    const calls = goldenCalls(golden[k], `${name} instruction ${k}`);
    const turns: ChatTurn[] = [{ role: "user", content: question }];
    calls.forEach((call, c) => {
      const input = typeof call.input === "string" ? call.input : JSON.stringify(call.input);
      turns.push({ role: "assistant", content: `Action: ${call.name}\nAction Input: ${input}` });
      if (c < calls.length - 1) turns.push({ role: "tool", content: observe(call, name), name: call.name });
    });
    const answer = calls.map(({ name, arguments: args }) => ({ name, arguments: args }));
    return make(turns, `${prefix}/${k}`, { id: `${prefix}/${k}`, question, answer });
  });
}

/** The tools of an API as ToolAlpaca lists them (`name: description`), then the ReAct instructions. */
function systemPrompt(api: Record<string, unknown>): string {
  const described = isPlainObject(api.Function_Description) ? api.Function_Description : null;
  const entries = described ? Object.entries(described).filter(([key]) => key !== "components") : [];
  if (entries.length === 0 && typeof api.NLDocumentation !== "string") {
    throw new Error(`API ${api.Name} has no "Function_Description" or "NLDocumentation" to list its tools`);
  }
  const components = described && typeof described.components === "string" ? described.components : "";
  const tools = entries.length > 0
    ? [...entries.map(([key, text]) => `${key}: ${String(text)}`), ...(components ? [components.trim()] : [])].join("\n")
    : String(api.NLDocumentation);
  const names = entries.map(([key]) => key).join(", ");
  return [
    "Answer the question with the help of tools. You have access to the following tools:",
    tools,
    "",
    "Use the following format:",
    "Question: the question you must answer",
    "Thought: what to do next",
    `Action: the tool to call${names ? `, one of [${names}]` : ""}`,
    "Action Input: the input of the tool, in JSON",
    "Observation: the result of the tool",
    "... (Thought, Action, Action Input and Observation can repeat)",
    "Thought: what the results show",
    "Final Answer: the answer to the question",
  ].join("\n");
}

/** A generated instance as turns: one assistant turn per step with its observation, then the answer. */
function instanceTurns(instance: unknown, where: string): { turns: ChatTurn[]; question: string; answer: unknown } {
  if (!isPlainObject(instance) || typeof instance.input !== "string") {
    throw new Error(`${where} needs an "input" string, got ${describe(instance)}`);
  }
  const question = instance.input.split("\nHint: ")[0];
  const turns: ChatTurn[] = [{ role: "user", content: question }];
  const steps = Array.isArray(instance.intermediate_steps) ? instance.intermediate_steps : [];
  steps.forEach((step, k) => {
    const [action, observation] = Array.isArray(step) ? step : [];
    const [tool, input, log] = Array.isArray(action) ? action : [];
    if (typeof tool !== "string" || observation === undefined) {
      throw new Error(`${where} step ${k} is not [[tool, input, log], observation]: ${describe(step)}`);
    }
    const inputText = typeof input === "string" ? input : JSON.stringify(input);
    const thought = typeof log === "string" ? log.trim() : "";
    const content = /^Action:/m.test(thought)
      ? thought
      : `${thought ? `${thought}\n` : ""}Action: ${tool}\nAction Input: ${inputText}`;
    const labelled = /^(Thought|Action):/.test(content) ? content : `Thought: ${content}`;
    turns.push({ role: "assistant", content: labelled });
    turns.push({ role: "tool", content: String(observation), name: tool });
  });
  const finalThought = typeof instance["Final Thought"] === "string" ? `Thought: ${instance["Final Thought"].trim()}\n` : "";
  const answer = typeof instance.output === "string" ? instance.output : null;
  if (answer !== null) turns.push({ role: "assistant", content: `${finalThought}Final Answer: ${answer}` });
  return { turns, question, answer };
}

/** The gold calls of one instruction, each input kept as written and parsed when it is JSON. */
function goldenCalls(value: unknown, where: string): (GoldenCall & { input: unknown })[] {
  if (!Array.isArray(value) || value.length === 0) throw new Error(`${where} has no gold calls: ${describe(value)}`);
  return value.map((call, k) => {
    if (!isPlainObject(call) || typeof call.Action !== "string") {
      throw new Error(`${where} call ${k} needs an "Action", got ${describe(call)}`);
    }
    return { name: call.Action, input: call.Action_Input ?? {}, arguments: parseInput(call.Action_Input) };
  });
}

function parseInput(input: unknown): unknown {
  if (typeof input !== "string") return input ?? {};
  try {
    return JSON.parse(input);
  } catch {
    return input;
  }
}

/** ToolAlpaca appends an API's credentials to each instruction of the real-API set. */
function withAuthentication(question: string, authentication: unknown): string {
  if (!isPlainObject(authentication) || Object.keys(authentication).length === 0) return question;
  const pairs = Object.entries(authentication).map(([key, value]) => `${key}=${value}`).join(" ");
  return `${question}\nAuthentication information: ${pairs}`;
}
