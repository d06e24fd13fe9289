import { test } from "uvu";
import * as assert from "uvu/assert";
import { charTokenizer } from "./char_tokenizer.ts";
import { stopChecker } from "./stop_check.ts";
import { seededRandom } from "../random/mod.ts";

/** Where a stream first holds a stop: decoding the whole sequence each step, and with the checker. */
function firstStops(decode: (ids: number[]) => string, stream: number[], stops: string[]) {
  const check = stopChecker({ decode: (ids) => decode(Array.from(ids)) }, stops)!;
  let full = -1, windowed = -1;
  for (let k = 1; k <= stream.length && (full < 0 || windowed < 0); k++) {
    const tokens = stream.slice(0, k);
    if (full < 0 && stops.some((s) => decode(tokens).includes(s))) full = k;
    if (windowed < 0 && check(tokens)) windowed = k;
  }
  return { full, windowed };
}

test("stopChecker finds the first stop at the same token as decoding everything, over random streams (byte tokens)", () => {
  const tokenizer = charTokenizer(); // bytes: "é" is 2 tokens, "€" 3
  const cases: { stops: string[]; pieces: string[] }[] = [
    { stops: ["</tool_call>", "\nObservation:"], pieces: ["</tool_", "call>", "\nObs", "ervation:", "x", " ", "<", "/", "\n", "call", "tool_"] },
    { stops: ["é€"], pieces: ["é", "€", "x", "e", " "] },
    { stops: ["€x", "\n\n"], pieces: ["€", "x", "\n", "é", "y"] },
  ];
  const random = seededRandom(7);
  for (const { stops, pieces } of cases) {
    let stopped = 0;
    for (let trial = 0; trial < 150; trial++) {
      const text = Array.from({ length: 60 }, () => random.pick(pieces)).join("");
      const stream = tokenizer.encode(text);
      const { full, windowed } = firstStops((ids) => tokenizer.decode(ids), stream, stops);
      assert.is(windowed, full, `${JSON.stringify(stops)} in ${JSON.stringify(text)}`);
      if (full > 0) stopped += 1;
    }
    assert.ok(stopped > 50, `only ${stopped} of 150 streams held ${JSON.stringify(stops)}: the test would not see a difference`);
  }
});

test("stopChecker decodes a bounded window: the work per step does not grow with the sequence", () => {
  let decoded = 0;
  const check = stopChecker({ decode: (ids) => (decoded += ids.length, "a".repeat(ids.length)) }, ["</tool_call>"])!;
  const tokens: number[] = [];
  for (let k = 0; k < 2000; k++) {
    tokens.push(97);
    assert.not.ok(check(tokens));
  }
  // 12 units of stop: a window of 3 * 12 + 8 tokens, against ~2,000,000 for decoding everything each step
  assert.ok(decoded <= 2000 * 44, String(decoded));
  assert.is(stopChecker({ decode: () => "" }, ["", ""]), null, "no stops, no checker");
});

test.run();
