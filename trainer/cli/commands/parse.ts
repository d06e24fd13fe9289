/**
 * `toolrl parse --format submit|hermes|react|llama3_json`: model text on stdin, its tool calls as JSON on stdout:
 * `{"calls": [{"name": ..., "arguments": ...}], "final": <string|null>, "errors": [...]}`.
 */
import type { CliIO } from "../io.ts";
import { allParsers } from "../../../core/parsers/index.ts";
import type { ParserName } from "../../../core/types.ts";

export const help = `toolrl parse --format submit|hermes|react|llama3_json [--tools NAME,NAME]

Reads model text on stdin and prints one JSON object on stdout:
  {"calls": [{"name": ..., "arguments": ...}], "final": <string|null>, "errors": [{"kind", "message", "text"}]}
For submit, "arguments" is the raw query string; for hermes and react, the parsed JSON.
"final" is the answer when the text gives one. Malformed calls are listed in "errors".
  --format F         the tool-call format (required)
  --tools A,B        known tool names; calls to other names become unknown_tool errors`;

/** Runs `toolrl parse`; exit code 0 even when the text has malformed calls, 2 for bad options. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const format = option(argv, "--format");
  const tools = option(argv, "--tools");
  if (format === undefined || !Object.hasOwn(allParsers, format)) {
    const got = format === undefined ? "no --format" : `--format ${format}`;
    io.stderr(`toolrl parse: ${got}; give --format submit, hermes, react or llama3_json\n`);
    return 2;
  }
  const toolNames = tools?.split(",").map((name) => name.trim()).filter((name) => name !== "");
  const result = allParsers[format as ParserName].parse(await io.readStdin(), toolNames);
  const output = {
    calls: result.calls.map((call) => ({ name: call.name, arguments: call.arguments })),
    final: result.final,
    errors: result.errors.map((error) => ({ kind: error.kind, message: error.message, text: error.text })),
  };
  io.stdout(JSON.stringify(output) + "\n");
  return 0;
}

/** The value of `--name value` or `--name=value`. */
function option(argv: string[], name: string): string | undefined {
  const at = argv.indexOf(name);
  if (at !== -1) return argv[at + 1];
  return argv.find((arg) => arg.startsWith(name + "="))?.slice(name.length + 1);
}
