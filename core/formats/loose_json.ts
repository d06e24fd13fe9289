/**
 * JSON for model-written tool arguments. `parseArguments(text)` is strict JSON, as vLLM's and verl's hermes
 * parsers read it, so a policy is never rewarded for calls a serving stack rejects; with `{ repair: true }` it
 * also accepts the usual slips of language models (single-quoted strings, Python's True/False/None, trailing
 * commas, a surrounding ```json fence). Never throws; iterative, so deep nesting cannot overflow.
 */

/** Either the parsed value or why the text is not JSON. */
export type LooseJsonResult = { ok: true; value: unknown } | { ok: false; message: string };

const pythonWords = new Map([["True", "true"], ["False", "false"], ["None", "null"]]);

/**
 * Parses tool arguments: strict JSON, or with `repair` the lenient reading of `looseJson`.
 *
 * @example parseArguments("{'a': 1}").ok; // false, and true with { repair: true }
 */
export function parseArguments(text: string, options: { repair?: boolean } = {}): LooseJsonResult {
  return options.repair ? looseJson(text) : tryParse(text.trim());
}

/** Parses `text` as JSON, repairing quoting slips; `looseJson("{'a': True}")` gives `{ a: true }`. */
export function looseJson(text: string): LooseJsonResult {
  const trimmed = stripFence(text.trim());
  const strict = tryParse(trimmed);
  if (strict.ok) return strict;
  const repaired = tryParse(repair(trimmed));
  return repaired.ok ? repaired : strict;
}

function tryParse(text: string): LooseJsonResult {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

/** The body of a ```lang fenced block, else the text itself; a scan, not a regex, so it stays linear. */
function stripFence(text: string): string {
  if (text.length < 7 || !text.startsWith("```") || !text.endsWith("```")) return text;
  const newline = text.indexOf("\n", 3);
  if (newline === -1 || newline > text.length - 3) return text;
  const tag = text.slice(3, newline);
  if (!/^[a-zA-Z]*[ \t\r]*$/.test(tag)) return text;
  return text.slice(newline + 1, text.length - 3).trim();
}

/** Rewrites single-quoted strings, Python literals and trailing commas into strict JSON (one pass, copying runs). */
function repair(text: string): string {
  const parts: string[] = [];
  let runStart = 0;
  let i = 0;
  const flush = (to: number) => {
    if (to > runStart) parts.push(text.slice(runStart, to));
  };
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"' || ch === "'") {
      flush(i);
      const end = stringEnd(text, i);
      parts.push(`"${jsonBody(text.slice(i + 1, end))}"`);
      i = end + 1;
      runStart = i;
      continue;
    }
    if (isWordChar(ch) && !isWordChar(text[i - 1] ?? "") && !isDigit(ch)) {
      let wordEnd = i;
      while (wordEnd < text.length && wordEnd - i < 6 && isLetter(text[wordEnd])) wordEnd++;
      const literal = pythonWords.get(text.slice(i, wordEnd));
      if (literal !== undefined) {
        flush(i);
        parts.push(literal);
        i = wordEnd;
        runStart = i;
        continue;
      }
    }
    if (ch === ",") {
      let next = i + 1;
      while (next < text.length && next - i < 64 && /\s/.test(text[next])) next++;
      if (text[next] === "}" || text[next] === "]") {
        flush(i);
        i += 1;
        runStart = i;
        continue;
      }
    }
    i += 1;
  }
  flush(text.length);
  return parts.join("");
}

const isLetter = (ch: string) => (ch >= "A" && ch <= "Z") || (ch >= "a" && ch <= "z") || ch === "_";
const isDigit = (ch: string) => ch >= "0" && ch <= "9";
const isWordChar = (ch: string) => isLetter(ch) || isDigit(ch);

const controlEscapes = new Map([["\n", "\\n"], ["\r", "\\r"], ["\t", "\\t"]]);

/** A string body from either quote style as a strict JSON string body (inner quotes and raw control characters escaped). */
function jsonBody(body: string): string {
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === "\\" && i + 1 < body.length) {
      const next = body[i + 1];
      out += next === "'" ? "'" : ch + next;
      i += 1;
    } else if (ch === '"') out += '\\"';
    else if (controlEscapes.has(ch)) out += controlEscapes.get(ch);
    else if (ch < " ") out += `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return out;
}

/** Index of the quote closing the string opened at `start` (or the text's end if unclosed). */
function stringEnd(text: string, start: number): number {
  const quote = text[start];
  let i = start + 1;
  while (i < text.length && text[i] !== quote) i += text[i] === "\\" ? 2 : 1;
  return Math.min(i, text.length);
}
