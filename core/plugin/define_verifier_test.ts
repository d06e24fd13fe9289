import { test } from "uvu";
import * as assert from "uvu/assert";
import { defineVerifier, formatBonus, weightedSum } from "./define_verifier.ts";
import { submitParser } from "../formats/submit.ts";
import type { Sample } from "../types.ts";
import { episodeOf } from "./testing/episodes.ts";

const sample: Sample = { id: "s", question: "What is 13 - 4?", answer: 9 };
const good = episodeOf("What is 13 - 4?\n", [["model", "<request><calculator>13-4<call>"], ["tool", "9<response>"], [
  "model",
  "Result = 9 <submit>",
]]);
const noSubmit = episodeOf("What is 13 - 4?\n", [["model", "it is 9"]]);
const constant = (name: string, value: number) => defineVerifier({ name, score: () => value });

test("defineVerifier() returns the verifier and refuses a missing name or score", async () => {
  const v = constant("one", 1);
  assert.is(await v.score(good, sample), 1);
  assert.throws(() => defineVerifier({ name: "", score: () => 1 }), /non-empty/);
  assert.throws(() => defineVerifier({ name: "x" } as never), /score/);
});

test("weightedSum() adds weighted scores of sync and async verifiers", async () => {
  const async = defineVerifier({ name: "half", score: async () => 0.5 });
  const sum = weightedSum([{ verifier: constant("one", 1), weight: 2 }, { verifier: async, weight: -1 }]);
  assert.is(await sum.score(good, sample), 1.5);
  assert.is(sum.name, "2*one+-1*half");
});

test("weightedSum() refuses a verifier that returns something other than a finite number", async () => {
  const broken = defineVerifier({ name: "nan", score: () => NaN });
  const sum = weightedSum([{ verifier: broken, weight: 1 }]);
  try {
    await sum.score(good, sample);
    assert.unreachable("should have thrown");
  } catch (error) {
    assert.match((error as Error).message, /verifier "nan" returned NaN/);
  }
  assert.throws(() => weightedSum([]), /at least one/);
  assert.throws(() => weightedSum([{ verifier: broken, weight: Infinity }]), /weight Infinity/);
});

test("formatBonus() adds the bonus to well-formatted episodes and takes the penalty from others", async () => {
  const scored = formatBonus(constant("one", 1), { parser: submitParser, bonus: 0.25, penalty: 0.5 });
  assert.is(await scored.score(good, sample), 1.25);
  assert.is(await scored.score(noSubmit, sample), 0.5);
  const truncated = episodeOf("q", [["model", "Result = 9 <submit>"]], { status: "truncated" });
  assert.is(await scored.score(truncated, sample), 0.5);
});

test.run();
