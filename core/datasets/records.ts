/** Reading dataset files: a JSON list, one JSON object, or JSON Lines. */
import { describe } from "./importer_helpers.ts";

/**
 * The records of a dataset file's text: the items of a JSON list, a single JSON object, or one object
 * per line (JSON Lines; blank lines are ignored). Throws naming the line that is not JSON.
 *
 * @example
 * ```ts
 * parseRecords('{"a": 1}\n{"a": 2}\n'); // [{ a: 1 }, { a: 2 }]
 * ```
 */
export function parseRecords(text: string): unknown[] {
  const trimmed = text.trim();
  if (trimmed === "") return [];
  try {
    const whole: unknown = JSON.parse(trimmed);
    return Array.isArray(whole) ? whole : [whole];
  } catch {
    // not one JSON value: read it as JSON Lines
  }
  return text.split("\n").flatMap((line, k) => {
    if (line.trim() === "") return [];
    try {
      return [JSON.parse(line) as unknown];
    } catch (error) {
      throw new Error(`line ${k + 1} is not JSON (${(error as Error).message}): ${describe(line)}`);
    }
  });
}
