/**
 * Tool-call formats, one object each (parser, stop strings, prompt, call, answer, tools header, few-shot
 * block), an open registry of them by name, and the parsers' lookups kept from before the registry.
 */
import type { Parser, ParserName } from "../types.ts";
import { createHermesParser, hermesFormat, hermesParser } from "./hermes.ts";
import { llama3JsonFormat, llama3JsonParser } from "./llama3_json.ts";
import { createReactParser, reactFormat, reactParser } from "./react.ts";
import { submitFormat, submitParser } from "./submit.ts";
import { getFormat } from "./registry.ts";

export type { CallSpec, Format, TranscriptRenderer } from "./types.ts";
export { formatNames, getFormat, hasFormat, registerFormat } from "./registry.ts";
export { createHermesParser, createReactParser, hermesParser, llama3JsonParser, reactParser, submitParser };
export { hermesFormat, llama3JsonFormat, reactFormat, submitFormat };

/** The parsers of the three task formats by name: `parsers.hermes.parse(text)`. */
export const parsers: Readonly<Record<"submit" | "hermes" | "react", Parser>> = {
  submit: submitParser,
  hermes: hermesParser,
  react: reactParser,
};

/** The built-in formats' parsers by name, `llama3_json` included. */
export const allParsers: Readonly<Record<"submit" | "hermes" | "react" | "llama3_json", Parser>> = {
  ...parsers,
  llama3_json: llama3JsonParser,
};

/**
 * The parser of a registered format, with an error naming the known formats for any other name. Arguments
 * are strict JSON; `{ repairJson: true }` gives the format's lenient parser where it has one (hermes, react).
 *
 * @example
 * ```ts
 * getParser("react").stop; // ["Observation:"]
 * ```
 */
export function getParser(name: ParserName, options: { repairJson?: boolean } = {}): Parser {
  const format = getFormat(name);
  return options.repairJson ? format.lenient ?? format : format;
}
