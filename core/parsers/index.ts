/**
 * The three tool-call formats and a lookup by name.
 */
import type { FormatName, Parser } from "../types.ts";
import { hermesParser } from "./hermes.ts";
import { reactParser } from "./react.ts";
import { submitParser } from "./submit.ts";

export { hermesParser, reactParser, submitParser };

/** Every parser by format name: `parsers.hermes.parse(text)`. */
export const parsers: Readonly<Record<FormatName, Parser>> = {
  submit: submitParser,
  hermes: hermesParser,
  react: reactParser,
};

/**
 * The parser of a format, with an error naming the known formats for any other name.
 *
 * @example
 * ```ts
 * getParser("react").stop; // ["Observation:"]
 * ```
 */
export function getParser(name: string): Parser {
  if (Object.hasOwn(parsers, name)) return parsers[name as FormatName];
  throw new Error(`unknown format "${name}"; use one of: ${Object.keys(parsers).join(", ")}`);
}
