/**
 * The open registry of tool-call formats: the built-ins (submit, hermes, react, llama3_json) and any format a
 * plugin registers. Everything that takes a format name (tasks, the rollout loop, verifiers, the CLI) looks it
 * up here, so a new format needs no edit outside its own module.
 */
import type { FormatName } from "../types.ts";
import type { Format } from "./types.ts";
import { hermesFormat } from "./hermes.ts";
import { llama3JsonFormat } from "./llama3_json.ts";
import { reactFormat } from "./react.ts";
import { submitFormat } from "./submit.ts";

/**
 * The registry lives on `globalThis` under a `Symbol.for` key, so every copy of this module in a process shares it:
 * a plugin that imports the library by its package name (the built `dist/`), or that the Node CLI loads through
 * tsx's `tsImport` (its own module instances), registers its format where the CLI looks it up.
 */
const KEY = Symbol.for("toolrl.formats");
const shared = globalThis as { [KEY]?: Map<string, Format> };
const registry: Map<string, Format> = shared[KEY] ??= new Map();
for (const format of [submitFormat, hermesFormat, reactFormat, llama3JsonFormat]) {
  if (!registry.has(format.name)) registry.set(format.name, format);
}

const REQUIRED = ["parse", "renderResults", "question", "call", "final", "toolsHeader", "fewShot", "wroteToolOutput"] as const;

/**
 * Adds a format under its name; registering the same object again is a no-op, another one under a taken name is an error.
 *
 * @example
 * ```ts
 * registerFormat(mistralFormat); // then rollout({ format: "mistral", ... }) and task.prompt(sample, "mistral")
 * ```
 */
export function registerFormat(format: Format): Format {
  const name = format?.name;
  if (typeof name !== "string" || !/^[A-Za-z][\w.-]*$/.test(name)) {
    throw new Error(`registerFormat: name ${JSON.stringify(name)} must be a word such as "mistral".`);
  }
  const missing: string[] = REQUIRED.filter((key) => typeof format[key] !== "function");
  for (const key of ["stop", "specialTokens"] as const) if (!Array.isArray(format[key])) missing.push(`${key} (a list)`);
  if (missing.length > 0) throw new Error(`registerFormat: format "${name}" lacks ${missing.join(", ")}.`);
  const known = registry.get(name);
  if (known !== undefined && known !== format) {
    throw new Error(`registerFormat: a different format is already registered as "${name}"; choose another name.`);
  }
  registry.set(name, format);
  return format;
}

/**
 * The format registered as `name`, with an error naming the registered formats for any other name.
 *
 * @example
 * ```ts
 * getFormat("react").stop; // ["Observation:"]
 * ```
 */
export function getFormat(name: FormatName): Format {
  const format = typeof name === "string" ? registry.get(name) : undefined;
  if (format === undefined) {
    throw new Error(`unknown format ${JSON.stringify(name)}; use one of: ${formatNames().join(", ")} (or register it with registerFormat)`);
  }
  return format;
}

/**
 * Whether a format is registered as `name`.
 *
 * @example hasFormat("hermes"); // true
 */
export function hasFormat(name: string): boolean {
  return registry.has(name);
}

/**
 * The registered format names, built-ins first, in registration order.
 *
 * @example formatNames(); // ["submit", "hermes", "react", "llama3_json", ...]
 */
export function formatNames(): FormatName[] {
  return [...registry.keys()];
}
