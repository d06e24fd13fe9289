import { test } from "uvu";
import * as assert from "uvu/assert";
import { hermesParser, reactParser, submitParser } from "../../core/formats/mod.ts";
import type { Sample } from "../../core/types.ts";
import { boxedMatch, lastBoxed } from "./boxed.ts";
import { containsAlias } from "./contains_alias.ts";
import { exactMatch } from "./exact.ts";
import { formatMatch } from "./format.ts";
import { numericMatch } from "./numeric.ts";
import { episodeFormat, perFormat } from "./per_format.ts";
import { trlCalculator } from "./trl_calculator.ts";
import { defineVerifier } from "../../core/plugin/define_verifier.ts";
import { episodeOf } from "../../core/plugin/testing/episodes.ts";

const say = (text: string, tool?: string) =>
  episodeOf("Q\n", tool ? [["model", "x"], ["tool", tool], ["model", text]] : [["model", text]]);
const sample = (answer: unknown, extra: Record<string, unknown> = {}): Sample => ({
  id: "s",
  question: "q",
  answer,
  ...extra,
});

test("exactMatch() compares normalised answers and aliases", async () => {
  const verifier = exactMatch({ parser: reactParser });
  assert.is(await verifier.score(say("Final Answer: The Louvre."), sample("louvre")), 1);
  assert.is(await verifier.score(say("Final Answer: Louvre Museum"), sample("Louvre")), 0);
  assert.is(await verifier.score(say("Final Answer: Musée"), sample("x", { aliases: ["musée"] })), 1);
  assert.is(await verifier.score(say("Louvre"), sample("Louvre")), 0);
});

test("numericMatch() checks the final answer's last number within the tolerance", async () => {
  const verifier = numericMatch({ parser: hermesParser });
  assert.is(await verifier.score(say("Result = 9<|im_end|>"), sample(9)), 1);
  assert.is(await verifier.score(say("Result = 9.009<|im_end|>"), sample(9)), 1);
  assert.is(await verifier.score(say("Result = 9.02<|im_end|>"), sample(9)), 0);
  assert.is(await verifier.score(say('<tool_call>{"name":"c","arguments":{}}</tool_call>'), sample(9)), 0);
  const loose = numericMatch({ tolerance: 0.1 });
  assert.is(await loose.score(say("about 1,000.05 in all"), sample("1000")), 1);
});

test("containsAlias() finds any alias as whole words in the answer", async () => {
  const verifier = containsAlias({ parser: submitParser });
  assert.is(await verifier.score(say("It was Marie Curie. <submit>"), sample(["Marie Skłodowska Curie", "Curie"])), 1);
  assert.is(await verifier.score(say("Curiosity <submit>"), sample(["Curie"])), 0);
  assert.is(await verifier.score(say("the_eiffel tower <submit>"), sample(["Eiffel Tower"])), 1);
  assert.is(await verifier.score(say("no submit here"), sample(["here"])), 0);
});

test("lastBoxed() reads the last box, nested braces included", () => {
  assert.is(lastBoxed("\\boxed{1} then \\boxed{\\frac{1}{2}}."), "\\frac{1}{2}");
  assert.is(lastBoxed("\\boxed{2} and \\boxed{unclosed"), "2");
  assert.is(lastBoxed("nothing"), null);
});

test("boxedMatch() scores 1 or -1 within the final 100 characters, with MindSpeed's tool-call bonus", async () => {
  assert.is(await boxedMatch().score(say("so \\boxed{42}"), sample(42)), 1);
  assert.is(await boxedMatch().score(say("so \\boxed{ 4 2 }."), sample("42")), 1);
  assert.is(await boxedMatch().score(say(`\\boxed{42}${" ".repeat(100)}`), sample(42)), -1);
  const calls = [{ name: "python" }, { name: "python" }, { name: "python" }];
  const wrong = episodeOf("Q", [["model", "\\boxed{41}"]], { calls });
  assert.is(await boxedMatch().score(wrong, sample(42)), -1);
  assert.ok(Math.abs(await boxedMatch({ toolCallBonus: true }).score(wrong, sample(42)) - -0.7) < 1e-12);
  const many = episodeOf("Q", [["model", "\\boxed{41}"]], { calls: Array(12).fill({ name: "python" }) });
  assert.is(await boxedMatch({ toolCallBonus: true }).score(many, sample(42)), 0);
});

test("trlCalculator() reads Result = x <submit> in the last model turn only", async () => {
  const verifier = trlCalculator();
  assert.is(await verifier.score(say("Result = 9 <submit>"), sample(9)), 1);
  assert.is(await verifier.score(say("Result=-12.004<submit>"), sample(-12)), 1);
  assert.is(await verifier.score(say("Result = 10 <submit>"), sample(9)), 0);
  assert.is(await verifier.score(say("Result = 9"), sample(9)), 0);
  assert.is(await verifier.score(say("<request><calculator>4+5<call>", "Result = 9 <submit>"), sample(9)), 0);
});

test("formatMatch() scores 1 only for well-formed episodes of its format", async () => {
  const good = episodeOf("Q\n", [["model", "<request><calculator>1<call>"], ["tool", "1<response>"], [
    "model",
    "1 <submit>",
  ]]);
  assert.is(await formatMatch("submit", { toolNames: ["calculator"] }).score(good, sample(1)), 1);
  assert.is(await formatMatch("submit", { toolNames: ["search"] }).score(good, sample(1)), 0);
  assert.is(await formatMatch("react").score(good, sample(1)), 0);
  assert.throws(() => formatMatch("xml" as never), /unknown format "xml"/);
});

test("episodeFormat() reads the format the episode carries and never guesses it from the text", () => {
  assert.is(episodeFormat(episodeOf("Q", [["model", "9 <submit>"]], { format: "react" })), "react");
  assert.throws(() => episodeFormat(episodeOf("Q", [["model", "9 <submit>"]])), /episode test carries no format/);
});

test("perFormat() scores each episode with the verifier of the format it carries", async () => {
  const constant = (value: number) => defineVerifier({ name: `c${value}`, score: () => value });
  const verifier = perFormat({ submit: constant(1), hermes: constant(2), react: constant(3) });
  const as = (format: string, text: string) => episodeOf("Q\n", [["model", text]], { format });
  assert.is(await verifier.score(as("submit", "9 <submit>"), sample(9)), 1);
  assert.is(await verifier.score(as("hermes", "9<|im_end|>"), sample(9)), 2);
  assert.is(await verifier.score(as("react", "Final Answer: 9"), sample(9)), 3);
  // The text has submit's markers, but the episode says hermes: its format decides.
  assert.is(await verifier.score(as("hermes", "9 <submit>"), sample(9)), 2);
  assert.is(verifier.name, "submit:c1|hermes:c2|react:c3");
  assert.throws(() => verifier.score(as("llama3_json", "9<|eot_id|>"), sample(9)), /no verifier for format "llama3_json"/);
});

test("perFormat() builds a fallback verifier once per other format, from the format object", async () => {
  const seen: string[] = [];
  const verifier = perFormat({ submit: trlCalculator() }, {
    fallback: (format) => {
      seen.push(format.name);
      return numericMatch({ parser: format });
    },
  });
  const as = (format: string, text: string) => episodeOf("Q\n", [["model", text]], { format });
  assert.is(await verifier.score(as("submit", "Result = 9 <submit>"), sample(9)), 1);
  assert.is(await verifier.score(as("llama3_json", "9<|eot_id|>"), sample(9)), 1);
  assert.is(await verifier.score(as("llama3_json", "8<|eot_id|>"), sample(9)), 0);
  assert.is(await verifier.score(as("react", "Final Answer: 9"), sample(9)), 1);
  assert.equal(seen, ["llama3_json", "react"]);
  assert.is(verifier.name, "submit:trl_calculator|*");
  assert.throws(() => verifier.score(as("xml", "9"), sample(9)), /unknown format "xml"/);
});

test.run();
