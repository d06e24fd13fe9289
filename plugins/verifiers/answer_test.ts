import { test } from "uvu";
import * as assert from "uvu/assert";
import { acceptedAnswers, finalAnswer, lastModelText, lastNumber } from "./answer.ts";
import { reactParser, submitParser } from "../../core/formats/mod.ts";
import { episodeOf } from "../../core/plugin/testing/episodes.ts";

const episode = episodeOf("Q\n", [["model", "<request><calculator>2+2<call>"], ["tool", "4<response>"], [
  "model",
  "Result = 4 <submit>",
]]);

test("lastModelText() reads the last model turn, never tool output", () => {
  assert.is(lastModelText(episode), "Result = 4 <submit>");
  assert.is(lastModelText(episodeOf("Q", [])), "");
});

test("finalAnswer() reads the parser's final answer or the whole last turn", () => {
  assert.is(finalAnswer(episode, submitParser), "Result = 4");
  assert.is(finalAnswer(episode), "Result = 4 <submit>");
  assert.is(finalAnswer(episode, reactParser), null);
  assert.is(finalAnswer(episodeOf("Q", [["model", "  "]])), null);
});

test("lastNumber() finds the last number with signs, decimals and thousands separators", () => {
  assert.is(lastNumber("3 apples and -12.5 pears"), -12.5);
  assert.is(lastNumber("total: 1,234,567.25"), 1234567.25);
  assert.is(lastNumber("about .5"), 0.5);
  assert.is(lastNumber("none"), null);
});

test("acceptedAnswers() collects answers and aliases as strings", () => {
  assert.equal(acceptedAnswers({ id: "1", question: "q", answer: ["Paris", 75], aliases: ["City of Light"] }), [
    "Paris",
    "75",
    "City of Light",
  ]);
  assert.equal(acceptedAnswers({ id: "1", question: "q", answer: 9 }), ["9"]);
});

test.run();
