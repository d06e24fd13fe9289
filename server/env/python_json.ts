/**
 * Where and why Python's `json.loads` rejects a text: OpenEnv's server (FastAPI) answers a body that is not
 * JSON with Python's own message and position (`{"type": "json_invalid", "loc": ["body", pos], "ctx":
 * {"error": msg}}`), so a client written against it sees the same answer here. This follows CPython 3.11's
 * C scanner (`Modules/_json.c`) and `json/decoder.py` (3.11 is OpenEnv's base image; 3.13 added "Illegal
 * trailing comma ..." messages). Positions count code points, as Python's do.
 */

/** Python's `JSONDecodeError`: the bare message (`msg`) and the code-point index (`pos`) it names. */
export interface PythonJsonError {
  msg: string;
  pos: number;
}

class DecodeError extends Error {
  constructor(readonly msg: string, readonly pos: number) {
    super(msg);
  }
}
/** Python's StopIteration out of the scanner: no value starts at `pos`. */
class NoValue extends Error {
  constructor(readonly pos: number) {
    super("no value");
  }
}

const isSpace = (c: string | undefined) => c === " " || c === "\t" || c === "\n" || c === "\r";
const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";
const HEX = /^[0-9a-fA-F]$/;

/**
 * Python's `json.loads` error for `text`, or undefined when Python would parse it; `fromBytes` when the
 * text was decoded from a body (`json.loads(bytes)` has dropped one BOM and does not refuse another).
 *
 * @example pythonJsonError("{'a': 1}") // { msg: "Expecting property name enclosed in double quotes", pos: 1 }
 */
export function pythonJsonError(text: string, options: { fromBytes?: boolean } = {}): PythonJsonError | undefined {
  const s = Array.from(text);
  if (s[0] === "\ufeff" && !options.fromBytes) return { msg: "Unexpected UTF-8 BOM (decode using utf-8-sig)", pos: 0 };
  const skip = (i: number) => {
    while (i < s.length && isSpace(s[i])) i++;
    return i;
  };
  try {
    let end = value(s, skip(0));
    end = skip(end);
    if (end !== s.length) return { msg: "Extra data", pos: end };
    return undefined;
  } catch (error) {
    if (error instanceof NoValue) return { msg: "Expecting value", pos: error.pos };
    if (error instanceof DecodeError) return { msg: error.msg, pos: error.pos };
    throw error;
  }
}

/**
 * `str(JSONDecodeError)`: `"<msg>: line L column C (char P)"`, what OpenEnv's `/ws` puts after "Invalid JSON: ".
 *
 * @example pythonJsonErrorText("{", { msg: "Expecting property name enclosed in double quotes", pos: 1 })
 */
export function pythonJsonErrorText(text: string, error: PythonJsonError): string {
  const head = Array.from(text).slice(0, error.pos);
  const line = head.filter((c) => c === "\n").length + 1;
  const column = error.pos - head.lastIndexOf("\n");
  return `${error.msg}: line ${line} column ${column} (char ${error.pos})`;
}

/** `scan_once_unicode`: the index after the value at `i`. */
function value(s: string[], i: number): number {
  if (i >= s.length) throw new NoValue(i);
  const c = s[i];
  const word = (w: string) => s.slice(i, i + w.length).join("") === w;
  if (c === '"') return string(s, i + 1);
  if (c === "{") return object(s, i + 1);
  if (c === "[") return array(s, i + 1);
  for (const w of ["null", "true", "false", "NaN", "Infinity", "-Infinity"]) {
    if (c === w[0] && word(w)) return i + w.length;
  }
  return number(s, i);
}

/** `scanstring_unicode` (strict): `i` is just after the opening quote. */
function string(s: string[], i: number): number {
  const begin = i - 1;
  let end = i;
  while (true) {
    let next = end;
    for (; next < s.length; next++) {
      const d = s[next];
      if (d === '"' || d === "\\") break;
      if (d.codePointAt(0)! <= 0x1f) throw new DecodeError("Invalid control character at", next);
    }
    if (next >= s.length) throw new DecodeError("Unterminated string starting at", begin);
    if (s[next] === '"') return next + 1;
    next++; // the backslash
    if (next === s.length) throw new DecodeError("Unterminated string starting at", begin);
    const c = s[next];
    if (c !== "u") {
      end = next + 1;
      if (!'"\\/bfnrt'.includes(c)) throw new DecodeError("Invalid \\escape", end - 2);
      continue;
    }
    next++;
    end = next + 4;
    if (end >= s.length) throw new DecodeError("Invalid \\uXXXX escape", next - 1);
    const hex = s.slice(next, end);
    if (!hex.every((h) => HEX.test(h))) throw new DecodeError("Invalid \\uXXXX escape", end - 5);
    const unit = parseInt(hex.join(""), 16);
    if (unit >= 0xd800 && unit <= 0xdbff && end + 6 < s.length && s[end] === "\\" && s[end + 1] === "u") {
      const low = s.slice(end + 2, end + 6);
      if (!low.every((h) => HEX.test(h))) throw new DecodeError("Invalid \\uXXXX escape", end + 1);
      const lowUnit = parseInt(low.join(""), 16);
      if (lowUnit >= 0xdc00 && lowUnit <= 0xdfff) end += 6;
    }
  }
}

/** `_parse_object_unicode`: `i` is just after `{`. */
function object(s: string[], i: number): number {
  const skip = () => {
    while (i < s.length && isSpace(s[i])) i++;
  };
  skip();
  if (s[i] === "}") return i + 1;
  while (true) {
    if (s[i] !== '"') throw new DecodeError("Expecting property name enclosed in double quotes", i);
    i = string(s, i + 1);
    skip();
    if (s[i] !== ":") throw new DecodeError("Expecting ':' delimiter", i);
    i++;
    skip();
    i = value(s, i);
    skip();
    if (s[i] === "}") return i + 1;
    if (s[i] !== ",") throw new DecodeError("Expecting ',' delimiter", i);
    i++;
    skip();
  }
}

/** `_parse_array_unicode`: `i` is just after `[`. */
function array(s: string[], i: number): number {
  const skip = () => {
    while (i < s.length && isSpace(s[i])) i++;
  };
  skip();
  if (s[i] === "]") return i + 1;
  while (true) {
    i = value(s, i);
    skip();
    if (s[i] === "]") return i + 1;
    if (s[i] !== ",") throw new DecodeError("Expecting ',' delimiter", i);
    i++;
    skip();
  }
}

/** `_match_number_unicode`: the index after the number at `start`, or no value. */
function number(s: string[], start: number): number {
  const last = s.length - 1;
  let i = start;
  if (s[i] === "-") {
    i++;
    if (i > last) throw new NoValue(start);
  }
  if (s[i] >= "1" && s[i] <= "9") {
    i++;
    while (i <= last && isDigit(s[i])) i++;
  } else if (s[i] === "0") i++;
  else throw new NoValue(start);
  if (i < last && s[i] === "." && isDigit(s[i + 1])) {
    i += 2;
    while (i <= last && isDigit(s[i])) i++;
  }
  if (i < last && (s[i] === "e" || s[i] === "E")) {
    const eStart = i;
    i++;
    if (i < last && (s[i] === "-" || s[i] === "+")) i++;
    while (i <= last && isDigit(s[i])) i++;
    if (!isDigit(s[i - 1])) i = eStart;
  }
  return i;
}
