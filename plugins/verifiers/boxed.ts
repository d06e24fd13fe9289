/** `boxedMatch`: ReTool's reward — the last `\boxed{...}` near the end of the answer. */
import { defineVerifier } from "../../core/plugin/define_verifier.ts";
import type { Sample, Verifier } from "../../core/types.ts";
import { acceptedAnswers, lastModelText } from "./answer.ts";

/**
 * The content of the last `\boxed{...}` in `text` (braces may nest), or null.
 *
 * @example
 * ```ts
 * lastBoxed("so \\boxed{\\frac{1}{2}}."); // "\\frac{1}{2}"
 * ```
 */
export function lastBoxed(text: string): string | null {
  for (let at = text.lastIndexOf("\\boxed{"); at !== -1; at = text.lastIndexOf("\\boxed{", at - 1)) {
    let depth = 0;
    const start = at + "\\boxed{".length;
    for (let i = start; i < text.length; i++) {
      if (text[i] === "{") depth++;
      else if (text[i] === "}" && depth-- === 0) return text.slice(start, i);
    }
    if (at === 0) break;
  }
  return null;
}

/** Strips what does not change a math answer: whitespace, `$`, `\left`/`\right`, `\!`, a trailing period. */
function canonical(answer: string): string {
  return answer.replace(/\\left|\\right|\\!|\$|\s+/g, "").replace(/\.$/, "");
}

function sameAnswer(given: string, expected: string): boolean {
  const a = canonical(given);
  const b = canonical(expected);
  if (a === b) return true;
  const x = Number(a.replaceAll(",", ""));
  const y = Number(b.replaceAll(",", ""));
  return a !== "" && b !== "" && Number.isFinite(x) && Number.isFinite(y) &&
    Math.abs(x - y) <= 1e-6 * Math.max(1, Math.abs(y));
}

/** Options of {@link boxedMatch}. */
export interface BoxedMatchOptions {
  /** How many characters at the end of the last model turn are searched (default 100, as ReTool). */
  window?: number;
  /** Wrong answers score `min(0, -1 + 0.1 * toolCalls)` instead of -1 (MindSpeed-RL's ReTool bonus). */
  toolCallBonus?: boolean;
}

/**
 * 1.0 when the last `\boxed{}` in the final characters of the last model turn equals the answer, else -1.0
 * (or the tool-call bonus for wrong answers).
 *
 * @example
 * ```ts
 * const verifier = boxedMatch({ toolCallBonus: true }); // wrong after 3 calls: -0.7
 * ```
 */
export function boxedMatch(options: BoxedMatchOptions = {}): Verifier {
  const { window = 100, toolCallBonus = false } = options;
  return defineVerifier({
    name: "boxed",
    score: (episode, sample: Sample) => {
      const boxed = lastBoxed(lastModelText(episode).slice(-window));
      if (boxed !== null && acceptedAnswers(sample).some((answer) => sameAnswer(boxed, answer))) return 1;
      return toolCallBonus ? Math.min(0, -1 + 0.1 * episode.calls.length) : -1;
    },
  });
}
