/**
 * The three tool-call formats and a lookup by name.
 */
import type { FormatName, Parser } from "../types.ts";
import { createHermesParser, hermesParser } from "./hermes.ts";
import { createReactParser, reactParser } from "./react.ts";
import { submitParser } from "./submit.ts";

export { createHermesParser, createReactParser, hermesParser, reactParser, submitParser };

/** Every parser by format name: `parsers.hermes.parse(text)`. */
export const parsers: Readonly<Record<FormatName, Parser>> = {
  submit: submitParser,
  hermes: hermesParser,
  react: reactParser,
};

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
  if (Object.hasOwn(parsers, name)) return parsers[name as FormatName];
  throw new Error(`unknown format "${name}"; use one of: ${Object.keys(parsers).join(", ")}`);
}
