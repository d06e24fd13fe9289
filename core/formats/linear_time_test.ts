// Parsers stay linear on adversarial model output: inputs that made the fence-stripping and the ReAct
// name-trimming regexes backtrack quadratically (128 KB took 3.2 s and 19.5 s), and a 10 MB output.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { getParser } from "./mod.ts";

/** Best of five wall times of `parse(text)`, in ms. */
function time(parse: () => unknown): number {
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    parse();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

const families: [string, "hermes" | "react", (n: number) => string][] = [
  ["hermes: a ```json fence followed by N newlines", "hermes", (n) => "<tool_call>```json" + "\n".repeat(n) + "x</tool_call>"],
  ["react: an Action name followed by N quotes", "react", (n) => "Action: a" + '"'.repeat(n) + "b\nAction Input: {}"],
  ["hermes: N unclosed fences", "hermes", (n) => "<tool_call>" + "```\n".repeat(n / 4) + "</tool_call>"],
  ["react: N backticks around a name", "react", (n) => "Action: " + "`".repeat(n / 2) + "x" + "`".repeat(n / 2) + "\nAction Input: {}"],
];

for (const [name, format, make] of families) {
  test(`${name}: 4x the input costs about 4x the time, not 16x`, () => {
    const parser = getParser(format);
    const small = make(256 * 1024);
    const large = make(1024 * 1024);
    parser.parse(small); // warm-up
    const ratio = time(() => parser.parse(large)) / Math.max(0.5, time(() => parser.parse(small)));
    assert.ok(ratio < 10, `1 MB took ${ratio.toFixed(1)}x as long as 256 KB (quadratic would be ~16x)`);
  });
}

test("a 10 MB model output parses in about a second in every format, and never throws", () => {
  for (const format of ["hermes", "react", "submit"] as const) {
    const parser = getParser(format);
    const text = format === "hermes"
      ? "<tool_call>```json" + "\n".repeat(10_000_000) + "x</tool_call>"
      : format === "react"
      ? "Action: a" + '"'.repeat(10_000_000) + "b\nAction Input: {}"
      : "<request><calculator>" + "1+".repeat(5_000_000) + "1<call>";
    const ms = time(() => parser.parse(text, ["calculator", "a"]));
    assert.ok(ms < 3000, `${format}: 10 MB took ${ms.toFixed(0)} ms`);
  }
});

test.run();
