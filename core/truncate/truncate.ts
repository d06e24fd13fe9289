/**
 * Cuts a too-long tool response with a visible mark, by characters or by tokens, as MindSpeed-RL
 * and verl do: `right` keeps the head (`head...(truncated)`), `left` keeps the tail
 * (`(truncated)...tail`), `middle` keeps both ends (`head...(truncated)...tail`). The marks are not
 * counted in `max`. Characters are Unicode code points, so a cut never splits a surrogate pair.
 */
import type { Tokenizer, TruncateSide } from "../types.ts";

/** How to count `max`: characters, or tokens of the given tokenizer. */
export type TruncateOptions = { unit: "chars" } | { unit: "tokens"; tokenizer: Tokenizer };

/** The cut marks. */
export const CUT_MARKS = { right: "...(truncated)", left: "(truncated)...", middle: "...(truncated)..." } as const;

/**
 * Keeps at most `max` characters or tokens of `text`, marking the cut; text within the limit is unchanged.
 *
 * @example
 * ```ts
 * truncateText("abcdefgh", 4, "middle", { unit: "chars" }); // "ab...(truncated)...gh"
 * ```
 */
export function truncateText(text: string, max: number, side: TruncateSide, options: TruncateOptions): string {
  if (!Number.isInteger(max) || max < 0) {
    throw new RangeError(`maxToolResponseLength must be a whole number >= 0, got ${max}`);
  }
  if (options.unit === "chars") {
    if (text.length <= max) return text;
    const chars = Array.from(text);
    return chars.length <= max ? text : cut(chars, max, side, (part) => part.join(""));
  }
  const { tokenizer } = options;
  const ids = tokenizer.encode(text);
  return ids.length <= max ? text : cut(ids, max, side, (part) => tokenizer.decode(part));
}

function cut<T>(units: T[], max: number, side: TruncateSide, join: (part: T[]) => string): string {
  const head = (n: number) => join(units.slice(0, n));
  const tail = (n: number) => join(units.slice(units.length - n));
  if (side === "right") return head(max) + CUT_MARKS.right;
  if (side === "left") return CUT_MARKS.left + tail(max);
  if (side === "middle") {
    const headLength = Math.ceil(max / 2);
    return head(headLength) + CUT_MARKS.middle + tail(max - headLength);
  }
  throw new RangeError(`truncateSide must be "left", "right" or "middle", got ${JSON.stringify(side)}`);
}
