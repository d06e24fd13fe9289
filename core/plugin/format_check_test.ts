import { test } from "uvu";
import * as assert from "uvu/assert";
import { formatProblems } from "./format_check.ts";
import { submitParser } from "../formats/submit.ts";
import { episodeOf } from "./testing/episodes.ts";

test("formatProblems() finds nothing wrong with calls followed by a submitted answer", () => {
  const episode = episodeOf("q\n", [["model", "<request><calculator>1+1<call>"], ["tool", "2<response>"], [
    "model",
    "Result = 2 <submit>",
  ]]);
  assert.equal(formatProblems(episode, submitParser, { toolNames: ["calculator"] }), []);
});

test("formatProblems() reports malformed and unknown calls with their turn", () => {
  const episode = episodeOf("q\n", [
    ["model", "<request>1+1<call>"],
    ["tool", "err<response>"],
    ["model", "<request><abacus>1<call>"],
    ["tool", "err<response>"],
    ["model", "2 <submit>"],
  ]);
  const problems = formatProblems(episode, submitParser, { toolNames: ["calculator"] });
  assert.is(problems.length, 2);
  assert.match(problems[0], /^turn 1: missing_tag/);
  assert.match(problems[1], /^turn 2: unknown_tool/);
});

test("formatProblems() wants a final answer last, calls before, and an episode that ended by itself", () => {
  const noAnswer = episodeOf("q\n", [["model", "<request><calculator>1+1<call>"]], { status: "max_turns" });
  assert.equal(formatProblems(noAnswer, submitParser), [
    "turn 1: the last turn gives no final answer",
    'the episode ended with status "max_turns"',
  ]);
  const chatter = episodeOf("q\n", [["model", "hmm"], ["tool", "x"], ["model", "2 <submit>"]]);
  assert.equal(formatProblems(chatter, submitParser), ["turn 1: neither a tool call nor the last turn"]);
  assert.equal(formatProblems(episodeOf("q", []), submitParser), ["the model wrote nothing"]);
});

test.run();
