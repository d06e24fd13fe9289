/**
 * The tool-call formats and a lookup by name.
 */
import type { FormatName, Parser, ParserName } from "../types.ts";
import { createHermesParser, hermesParser } from "./hermes.ts";
import { llama3JsonParser } from "./llama3_json.ts";
import { createReactParser, reactParser } from "./react.ts";
import { submitParser } from "./submit.ts";

export { createHermesParser, createReactParser, hermesParser, llama3JsonParser, reactParser, submitParser };

/** Every parser by format name: `parsers.hermes.parse(text)`. */
export const parsers: Readonly<Record<FormatName, Parser>> = {
  submit: submitParser,
  hermes: hermesParser,
  react: reactParser,
};

/** The task formats' parsers and the parse-only ones (`llama3_json`), by name. */
export const allParsers: Readonly<Record<ParserName, Parser>> = { ...parsers, llama3_json: llama3JsonParser };

/**
 * The parser of a format, with an error naming the known formats for any other name. Arguments are strict
 * JSON; `{ repairJson: true }` gives the hermes and react parsers that repair the usual slips.
 *
 * @example
 * ```ts
 * getParser("react").stop; // ["Observation:"]
 * ```
 */
export function getParser(name: string, options: { repairJson?: boolean } = {}): Parser {
  if (options.repairJson && name === "hermes") return createHermesParser(options);
  if (options.repairJson && name === "react") return createReactParser(options);
  if (Object.hasOwn(allParsers, name)) return allParsers[name as ParserName];
  throw new Error(`unknown format "${name}"; use one of: ${Object.keys(allParsers).join(", ")}`);
}
