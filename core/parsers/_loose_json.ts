/**
 * Lenient JSON for model-written tool arguments: strict JSON first, then the usual slips of
 * language models (single-quoted strings, Python's True/False/None, trailing commas, a
 * surrounding ```json fence). Never throws; iterative, so deep nesting cannot overflow.
 */

/** Either the parsed value or why the text is not JSON. */
export type LooseJsonResult = { ok: true; value: unknown } | { ok: false; message: string };

const pythonWords = new Map([["True", "true"], ["False", "false"], ["None", "null"]]);

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

function stripFence(text: string): string {
  const fenced = /^```[a-zA-Z]*\s*\n([\s\S]*?)\n?```$/.exec(text);
  return fenced ? fenced[1].trim() : text;
}

/** Rewrites single-quoted strings, Python literals and trailing commas into strict JSON. */
function repair(text: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"' || ch === "'") {
      const end = stringEnd(text, i);
      out += `"${jsonBody(text.slice(i + 1, end))}"`;
      i = end + 1;
      continue;
    }
    const word = /^[A-Za-z_]+/.exec(text.slice(i, i + 6));
    const literal = word && !/[A-Za-z0-9_]/.test(text[i - 1] ?? "") ? pythonWords.get(word[0]) : undefined;
    if (word && literal !== undefined) {
      out += literal;
      i += word[0].length;
      continue;
    }
    if (ch === ",") {
      const next = /^\s*([}\]])/.exec(text.slice(i + 1, i + 64));
      if (next) {
        i += 1;
        continue;
      }
    }
    out += ch;
    i += 1;
  }
  return out;
}

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
