/**
 * `toolrl parse --format F`: model text on stdin, its tool calls as JSON on stdout:
 * `{"calls": [{"name": ..., "arguments": ...}], "final": <string|null>, "errors": [...]}`. F is any registered
 * format: a built-in one or one that a `--plugin` module registers.
 */
import type { CliIO } from "../io.ts";
import { formatNames, getParser, hasFormat } from "../../core/formats/mod.ts";
import { loadPlugin } from "../../plugins/builtins.ts";
import { pluginImporter } from "../plugin_import_node.ts";
import { readFlags } from "./flags.ts";

export const help = `toolrl parse --format F [--tools NAME,NAME] [--repair-json] [--lossy] [--plugin PATH]

Reads model text on stdin and prints one JSON object on stdout:
  {"calls": [{"name": ..., "arguments": ...}], "final": <string|null>, "errors": [{"kind", "message", "text"}]}
For submit, "arguments" is the raw query string; for hermes and react, the parsed JSON.
"final" is the answer when the text gives one. Malformed calls are listed in "errors".
  --format F         the tool-call format (required): submit, hermes, react, llama3_json or one a --plugin registers
  --tools A,B        known tool names; calls to other names become unknown_tool errors
  --repair-json      accept single quotes, Python literals, trailing commas and a \`\`\`json fence in
                     arguments (default: strict JSON, as vLLM's and verl's parsers read calls)
  --lossy            replace bytes that are not UTF-8 with U+FFFD (default: refuse such input)
  --plugin PATH      load a plugin module first (repeatable), e.g. one that registers a format`;

const FLAGS = { format: "string", tools: "string", "repair-json": "boolean", lossy: "boolean", plugin: "list" } as const;

/** "a, b or c". */
function either(names: readonly string[]): string {
  return names.length < 2 ? names.join("") : `${names.slice(0, -1).join(", ")} or ${names.at(-1)}`;
}

/** Runs `toolrl parse`; exit code 0 even when the text has malformed calls, 2 for bad options. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  let flags;
  try {
    flags = readFlags(argv, FLAGS).flags;
  } catch (error) {
    io.stderr(`toolrl parse: ${(error as Error).message}\n`);
    return 2;
  }
  const importModule = await pluginImporter();
  for (const spec of (flags.plugin as string[] | undefined) ?? []) await loadPlugin(spec, { importModule });
  const format = flags.format as string | undefined;
  const tools = flags.tools as string | undefined;
  if (format === undefined || !hasFormat(format)) {
    const got = format === undefined ? "no --format" : `--format ${format}`;
    io.stderr(`toolrl parse: ${got}; give --format ${either(formatNames())} (or load a format's plugin with --plugin)\n`);
    return 2;
  }
  const toolNames = tools?.split(",").map((name) => name.trim()).filter((name) => name !== "");
  let text: string;
  try {
    text = await io.readStdin({ fatal: flags.lossy !== true });
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    io.stderr(`toolrl parse: standard input is not valid UTF-8 (${error.message}); pass --lossy to read it with U+FFFD in place of the bad bytes\n`);
    return 1;
  }
  const parser = getParser(format, { repairJson: flags["repair-json"] === true });
  const result = parser.parse(text, toolNames);
  const output = {
    calls: result.calls.map((call) => ({ name: call.name, arguments: call.arguments })),
    final: result.final,
    errors: result.errors.map((error) => ({ kind: error.kind, message: error.message, text: error.text })),
  };
  let json: string;
  try {
    json = JSON.stringify(output);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    io.stderr(`toolrl parse: the parsed calls nest too deeply to write as JSON (${error.message}); shorten the input.\n`);
    return 1;
  }
  io.stdout(json + "\n");
  return 0;
}
