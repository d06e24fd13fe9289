import { test } from "uvu";
import * as assert from "uvu/assert";
import { reactParser } from "../formats/mod.ts";
import { charTokenizer } from "../tokenizer/mod.ts";
import { importToolBench } from "./toolbench.ts";
import { assertAligned, trainedText } from "./testing/checks.ts";
import { fixtureText } from "./testing/fixtures_node.ts";

const tokenizer = charTokenizer();
const records = JSON.parse(await fixtureText("toolbench_sample.json"));
const { episodes, skipped } = importToolBench(records, { tokenizer });
const [weather, jokes] = episodes;
type Turn = { from: string; value: string };
const turnsOf = (k: number): Turn[] => records[k].conversations;

test("importToolBench() reads each record and lists the unreadable one with its reason", () => {
  assert.is(episodes.length, 2);
  assert.equal(skipped.map((s) => s.index), [2]);
  assert.match(skipped[0].reason, /needs a "conversations"/);
  assert.equal(episodes.map((e) => e.id), [records[0].id, records[1].id]);
});

test("masks are 1 exactly on model tokens and every episode decodes back to its text", () => {
  for (const episode of episodes) assertAligned(episode, tokenizer);
});

test("assistant turns are trained on as written, ending where generation stops; function replies are not", () => {
  const assistant = turnsOf(0).filter((t) => t.from === "assistant").map((t) => t.value.trim());
  assert.is(
    trainedText(weather, tokenizer),
    [
      `${assistant[0]}\nObservation:`,
      `${assistant[1]}\nObservation:`,
      "Thought: I have both answers.\nFinal Answer: Paris is cloudy at 18 °C, and one euro buys 1.08 US dollars.",
    ].join("|"),
  );
  const replies = turnsOf(0).filter((t) => t.from === "function").map((t) => t.value);
  assert.equal(weather.segments.filter((s) => s.role === "tool").map((s) => s.text), replies.map((r) => ` ${r}\n`));
  const system = turnsOf(0)[0].value;
  assert.ok(weather.segments[0].role === "prompt" && weather.segments[0].text.startsWith(system));
});

test("a give_answer Finish becomes the react answer; give_up_and_restart stays a Finish call", () => {
  const last = weather.segments[weather.segments.length - 1];
  assert.is(reactParser.parse(last.text).final, "Paris is cloudy at 18 °C, and one euro buys 1.08 US dollars.");
  assert.is(weather.sample!.answer, "Paris is cloudy at 18 °C, and one euro buys 1.08 US dollars.");
  const giveUp = jokes.segments[jokes.segments.length - 1];
  assert.is(giveUp.role, "model");
  assert.equal(reactParser.parse(giveUp.text).calls.map((c) => c.arguments), [{ return_type: "give_up_and_restart" }]);
  assert.is(jokes.sample!.answer, null);
});

test("calls pair each action with the reply that followed it", () => {
  assert.equal(
    weather.calls.map(({ turn, name, arguments: a }) => ({ turn, name, arguments: a })),
    [
      { turn: 1, name: "current_for_weatherapi", arguments: { city: "Paris" } },
      { turn: 2, name: "convert_for_currencyapi", arguments: { from: "EUR", to: "USD" } },
    ],
  );
  assert.is(weather.calls[1].result, turnsOf(0)[5].value);
  assert.equal(weather.metrics, { turns: 3, tool_calls: 2 });
});

test.run();
