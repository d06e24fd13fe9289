import { test } from "uvu";
import * as assert from "uvu/assert";
import { getParser } from "../../core/formats/mod.ts";
import { scriptedPolicy, solverPolicy } from "../../core/policy/mod.ts";
import { rollout, rolloutTask } from "../../core/rollout/mod.ts";
import { charTokenizer } from "../../core/tokenizer/mod.ts";
import type { FormatName } from "../../core/types.ts";
import { wiki } from "./mod.ts";
import { isEvalTown, wikiTask, type WikiSample } from "./task.ts";

const formats: FormatName[] = ["submit", "hermes", "react"];
const tokenizer = charTokenizer();
const task = wikiTask();

test("the knowledge base and the samples are reproducible from their seeds", () => {
  assert.equal(wikiTask().knowledgeBase, task.knowledgeBase);
  assert.not.equal(wikiTask({ kbSeed: 1 }).knowledgeBase.towns[0], task.knowledgeBase.towns[0]);
  assert.is(task.knowledgeBase.corpus.length, 200);
  assert.is(new Set(task.knowledgeBase.towns.map((t) => t.name)).size, 200);
  const samples = task.samples({ seed: 3, n: 50 });
  assert.equal(task.samples({ seed: 3, n: 50 }), samples);
  assert.not.equal(task.samples({ seed: 4, n: 50 }), samples);
  for (const sample of samples) {
    const town = task.knowledgeBase.towns.find((t) => t.name === sample.town)!;
    assert.is(sample.answer, String(town[sample.fact]));
    assert.ok(sample.question.includes(sample.town));
  }
  assert.equal(new Set(samples.map((s) => s.fact)).size, 4);
});

test("eval questions ask only about towns that no training question mentions", () => {
  const train = new Set(task.samples({ seed: 0, n: 1000 }).map((s) => s.town));
  const held = task.samples({ seed: 0, n: 200, split: "eval" });
  assert.ok(held.every((s) => !train.has(s.town) && isEvalTown(s.town)));
  assert.ok([...train].every((town) => !isEvalTown(town)));
  assert.ok(held.length === 200 && held[0].id.includes("eval"));
});

test("prompts are short zero-shot questions; few-shot prompts prefix two worked searches", () => {
  const [sample] = task.samples({ seed: 0, n: 1 });
  assert.is(task.prompt(sample, "submit"), `${sample.question}\n`);
  assert.ok(task.prompt(sample, "submit").length < 60);
  const fewShot = wikiTask({ fewShot: true });
  for (const format of formats) {
    const prompt = fewShot.prompt(sample, format);
    assert.ok(prompt.endsWith(task.prompt(sample, format)), format);
    const calls = (format === "submit" ? prompt.split("<submit>") : [prompt]).flatMap((t) => getParser(format).parse(t).calls);
    assert.equal(calls.map((c) => c.name), ["wiki", "wiki"], format);
    assert.ok(prompt.includes("Doc 1 (Title: "), format);
  }
});

test("solve() searches for the town first, then copies the fact from the tool's passage", () => {
  const [sample] = task.samples({ seed: 2, n: 1 });
  for (const format of formats) {
    const call = task.solve(sample, format, []);
    const parsed = getParser(format).parse(call, ["wiki"]);
    assert.equal(parsed.calls.length, 1, format);
    const passage = "Doc 1 (Title: Zed)\nZed is a town on the river Ux, founded by Ana Bo in 1111. Population 42.";
    const answer = task.solve(sample, format, [passage]);
    const expected = { founder: "Ana Bo", river: "Ux", year: "1111", population: "42" }[sample.fact];
    assert.is(getParser(format).parse(answer).final?.trim(), expected, `${format}: ${answer}`);
  }
});

test("every solver turn fits the task's token budget per turn, for every town", () => {
  const samples = task.knowledgeBase.towns.map((town, i) => ({ id: String(i), question: "", answer: town.founder, town: town.name, fact: "founder" as const }));
  for (const format of formats) {
    for (const sample of samples) {
      const call = task.solve(sample, format, []);
      for (const turn of [call, task.solve(sample, format, [task.knowledgeBase.corpus[Number(sample.id)].text])]) {
        assert.ok(tokenizer.encode(turn).length <= task.limits!.maxNewTokensPerTurn!, `${format}: ${turn}`);
      }
    }
  }
});

async function run(format: FormatName, samples: WikiSample[], policy = solverPolicy(task, format, tokenizer, samples)) {
  return await rolloutTask(task, {
    policy,
    tokenizer,
    format,
    samples,
  });
}

test("the reference solver scores 1.0 in every format through the rollout loop, on both splits", async () => {
  for (const format of formats) {
    for (const split of ["train", "eval"] as const) {
      const samples = task.samples({ seed: 5, n: 12, split });
      const { episodes, errors } = await run(format, samples);
      assert.equal(errors, []);
      assert.equal(episodes.map((e) => [e.status, e.reward, e.calls.length]), samples.map(() => ["done", 1, 1]), `${format} ${split}`);
    }
  }
});

test("the verifier scores 0 for a wrong answer and for an answer that pads the fact", async () => {
  const samples = task.samples({ seed: 9, n: 4 });
  const close: Record<FormatName, (s: string) => string> = {
    submit: (s) => `${s} <submit>`,
    hermes: (s) => `${s}<|im_end|>`,
    react: (s) => `Final Answer: ${s}`,
  };
  for (const format of formats) {
    for (const answer of [(s: WikiSample) => `${s.answer}x`, (s: WikiSample) => `It is ${s.answer} and more`]) {
      const policy = scriptedPolicy(tokenizer, (context) => {
        const sample = samples.find((s) => context.startsWith(task.prompt(s, format)))!;
        return close[format](answer(sample));
      });
      const { episodes } = await run(format, samples, policy);
      assert.equal(episodes.map((e) => e.reward), [0, 0, 0, 0], format);
    }
  }
  const lenient = wikiTask({ match: "contains" });
  const [sample] = lenient.samples({ seed: 9, n: 1 });
  const policy = scriptedPolicy(tokenizer, () => `It is ${sample.answer} and more <submit>`);
  const { episodes } = await rollout({
    policy, tokenizer, format: "submit", tools: lenient.tools, limits: lenient.limits, verifier: lenient.verifier,
    items: [{ prompt: lenient.prompt(sample, "submit"), sample }],
  });
  assert.is(episodes[0].reward, 1);
});

test("wiki() bundles the task, or just a tool over a corpus of your own", () => {
  const plugin = wiki();
  assert.equal([plugin.name, plugin.tools.map((t) => t.name), plugin.tasks.map((t) => t.name)], ["wiki", ["wiki"], ["wiki"]]);
  const mine = wiki({ corpus: [{ id: "0", title: "A", text: "b" }] });
  assert.equal([mine.tools.length, mine.tasks.length], [1, 0]);
  assert.throws(() => wiki({ corpus: [], remote: { url: "http://x/retrieve" } }), /not both/);
});

test.run();
