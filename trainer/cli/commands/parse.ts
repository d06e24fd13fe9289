/**
 * `toolrl parse --format submit|hermes|react|llama3_json`: model text on stdin, its tool calls as JSON on stdout:
 * `{"calls": [{"name": ..., "arguments": ...}], "final": <string|null>, "errors": [...]}`.
 */
import type { CliIO } from "../io.ts";
import { allParsers, getParser } from "../../../core/formats/index.ts";

export const help = `toolrl parse --format submit|hermes|react|llama3_json [--tools NAME,NAME] [--repair-json] [--lossy]

Reads model text on stdin and prints one JSON object on stdout:
  {"calls": [{"name": ..., "arguments": ...}], "final": <string|null>, "errors": [{"kind", "message", "text"}]}
For submit, "arguments" is the raw query string; for hermes and react, the parsed JSON.
"final" is the answer when the text gives one. Malformed calls are listed in "errors".
  --format F         the tool-call format (required)
  --tools A,B        known tool names; calls to other names become unknown_tool errors
  --repair-json      accept single quotes, Python literals, trailing commas and a \`\`\`json fence in
                     arguments (default: strict JSON, as vLLM's and verl's parsers read calls)
  --lossy            replace bytes that are not UTF-8 with U+FFFD (default: refuse such input)`;

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
  let text: string;
  try {
    text = await io.readStdin({ fatal: !argv.includes("--lossy") });
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    io.stderr(`toolrl parse: standard input is not valid UTF-8 (${error.message}); pass --lossy to read it with U+FFFD in place of the bad bytes\n`);
    return 1;
  }
  const parser = getParser(format, { repairJson: argv.includes("--repair-json") });
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

/** The value of `--name value` or `--name=value`. */
function option(argv: string[], name: string): string | undefined {
  const at = argv.indexOf(name);
  if (at !== -1) return argv[at + 1];
  return argv.find((arg) => arg.startsWith(name + "="))?.slice(name.length + 1);
}
