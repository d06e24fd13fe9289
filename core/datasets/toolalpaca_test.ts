import { test } from "uvu";
import * as assert from "uvu/assert";
import { reactParser } from "../formats/mod.ts";
import { charTokenizer } from "../tokenizer/mod.ts";
import { importToolAlpaca, UNRECORDED_OBSERVATION } from "./toolalpaca.ts";
import { assertAligned, trainedText } from "./testing/checks.ts";
import { fixtureText, toolAlpacaFile } from "./testing/fixtures_node.ts";

const tokenizer = charTokenizer();
// deno-lint-ignore no-explicit-any
const evalSets: Record<string, any[]> = {
  simulated: await toolAlpacaFile("eval_simulated.json"),
  real: await toolAlpacaFile("eval_real.json"),
};
const instances = JSON.parse(await fixtureText("toolalpaca_instances.json"));

test("importToolAlpaca() reads every instruction of both evaluation sets", () => {
  for (const apis of Object.values(evalSets)) {
    const { episodes, skipped } = importToolAlpaca(apis, { tokenizer });
    const instructions = apis.reduce((n: number, api: { Instructions: unknown[] }) => n + api.Instructions.length, 0);
    assert.equal(skipped, []);
    assert.is(episodes.length, instructions);
    assert.is(new Set(episodes.map((e) => e.id)).size, episodes.length, "ids are unique");
  }
});

test("gold-call episodes hold each gold call as model text the react parser reads back", () => {
  let placeholders = 0;
  for (const apis of Object.values(evalSets)) {
    const { episodes } = importToolAlpaca(apis, { tokenizer });
    for (const episode of episodes) {
      const models = episode.segments.filter((s) => s.role === "model");
      const gold = episode.sample!.answer as { name: string; arguments: unknown }[];
      assert.is(models.length, gold.length, episode.id);
      models.forEach((segment, k) => {
        const { calls, errors } = reactParser.parse(segment.text);
        if (typeof gold[k].arguments === "string") {
          // gold inputs such as {"animeId": ${animeId from searchAnime}} refer to earlier results: kept verbatim
          placeholders += 1;
          assert.equal(errors.map((e) => e.kind), ["bad_json"]);
          assert.ok(segment.text.includes(`Action Input: ${gold[k].arguments}\n`));
        } else {
          assert.equal(calls.map(({ name, arguments: a }) => ({ name, arguments: a })), [gold[k]], episode.id);
        }
        assert.ok(segment.text.endsWith("Observation:"), "a call turn ends where generation stops");
      });
      assert.is(episode.segments.filter((s) => s.role === "tool").length, models.length - 1);
      assert.ok(episode.sample!.question.length > 0 && episode.segments[0].text.includes(episode.sample!.question));
    }
  }
  assert.is(placeholders, 36, "32 gold inputs of the simulated set and 4 of the real set are not JSON");
});

test("the real-API set's credentials are appended to the question as ToolAlpaca does", () => {
  const { episodes } = importToolAlpaca(evalSets.real, { tokenizer });
  const apis = evalSets.real.filter((api: { Authentication?: object }) => Object.keys(api.Authentication ?? {}).length > 0);
  assert.ok(apis.length > 0, "the real set has APIs with credentials");
  const withAuth = episodes.filter((e) => e.sample!.question.includes("\nAuthentication information: "));
  const expected = apis.reduce((n: number, api: { Instructions: unknown[] }) => n + api.Instructions.length, 0);
  assert.is(withAuth.length, expected);
});

test("masks are 1 exactly on model tokens and every episode decodes back to its text", () => {
  for (const apis of [...Object.values(evalSets), instances]) {
    for (const episode of importToolAlpaca(apis, { tokenizer }).episodes) assertAligned(episode, tokenizer);
  }
});

test("gold calls get observe(call) as tool text, which is never trained on", () => {
  const seen: string[] = [];
  const observe = (call: { name: string; arguments: unknown }, api: string) => {
    seen.push(`${api}.${call.name}`);
    return `result of ${call.name} ${JSON.stringify(call.arguments)}`;
  };
  const { episodes } = importToolAlpaca(evalSets.simulated, { tokenizer, observe });
  const multi = episodes.find((e) => e.calls.length > 0)!;
  const tool = multi.segments.find((s) => s.role === "tool")!;
  assert.is(tool.text, ` result of ${multi.calls[0].name} ${JSON.stringify(multi.calls[0].arguments)}\n`);
  assert.ok(seen.includes(`Axolotl.${multi.calls[0].name}`));
  assert.not.ok(trainedText(multi, tokenizer).includes("result of"));
  const plain = importToolAlpaca(evalSets.simulated, { tokenizer }).episodes.find((e) => e.id === multi.id)!;
  assert.ok(plain.segments.some((s) => s.role === "tool" && s.text.includes(UNRECORDED_OBSERVATION)));
});

test("instances: Thought, Action and Action Input are trained on, the observation is not", () => {
  const { episodes, skipped } = importToolAlpaca(instances, { tokenizer });
  assert.is(episodes.length, 2);
  assert.equal(skipped.map((s) => s.index), [1]);
  assert.match(skipped[0].reason, /"Name"/);
  const [habitat, random] = episodes;
  assert.is(
    trainedText(habitat, tokenizer),
    [
      'Thought: I need facts about axolotl habitats.\nAction: getAxolotlFacts\nAction Input: {"category": "habitats", "limit": 3}\nObservation:',
      'Thought: The category must be habitat.\nAction: getAxolotlFacts\nAction Input: {"category": "habitat", "limit": 3}\nObservation:',
      "Thought: I have three facts about their habitat to share.\nFinal Answer: Axolotls are native to the lakes and canals of Xochimilco near Mexico City, live fully in water, and prefer shallow water with plenty of plants.",
    ].join("|"),
  );
  const observations = habitat.segments.filter((s) => s.role === "tool").map((s) => s.text);
  assert.ok(observations[0].startsWith(' Parameter type error: "category"'));
  assert.ok(observations[1].includes("Axolotls are native to Xochimilco."));
  assert.equal(habitat.calls.map((c) => c.arguments), [{ category: "habitats", limit: 3 }, { category: "habitat", limit: 3 }]);
  assert.is(reactParser.parse(habitat.segments[habitat.segments.length - 1].text).final, habitat.sample!.answer);
  assert.is(random.sample!.question, "Show me a random axolotl picture.", "ToolAlpaca drops the hint");
  assert.is(trainedText(random, tokenizer).split("|")[1], "Final Answer: Here is one: https://example.org/axolotl1.jpg");
});

test("importToolAlpaca() refuses data that is not a list of APIs, naming what it got", () => {
  assert.throws(() => importToolAlpaca({ Name: "x" }, { tokenizer }), /JSON list of APIs, got \{"Name":"x"\}/);
});

test("importToolAlpaca() keeps the components block on a line of its own after the tool list", async () => {
  const apis = await toolAlpacaFile("eval_simulated.json");
  const { episodes } = importToolAlpaca(apis, { tokenizer });
  for (const episode of episodes) {
    const prompt = episode.segments[0].text;
    assert.not.match(prompt, /[a-z0-9]The detailed output format/i, "a tool line runs into the components text");
  }
  assert.ok(episodes.some((e) => /\nThe detailed output format/.test(e.segments[0].text)), "components are listed");
});

test.run();
