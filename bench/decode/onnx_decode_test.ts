// onnxruntime-web on the model's ONNX export decodes greedily with its KV cache and writes the same
// tokens as the engine's greedy generate, at batch 1 and over a batch of different prompts.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { benchBackend, benchModel } from "../engine.ts";
import { openOnnxDecoder } from "./onnx_decode.ts";

test("openOnnxDecoder() writes the engine's greedy tokens, one call per token over the cache", async () => {
  const { backend, dispose } = await benchBackend("cpu");
  const model = await benchModel({ backend, seed: 3 });
  const onnx = await openOnnxDecoder(model, 1);
  try {
    const prompts = ["What is 2+3?", "Who founded X?"].map((p) => model.tokenizer.encode(p));
    const same = prompts.map((p) => p.slice(0, 12));
    for (const contexts of [[same[0]], same]) {
      const expected = (await model.generate(contexts, { maxNewTokens: 6, stopTokens: [], temperature: 0 })).map((g) => g.tokens);
      const got = await onnx.generate(contexts, 6);
      assert.equal(got, expected);
      assert.is(got[0].length, 6);
    }
    let error: Error | null = null;
    await onnx.generate([same[0], same[1].slice(0, 5)], 2).catch((e: Error) => (error = e));
    assert.match(String(error), /every context must have 12 tokens/);
  } finally {
    await onnx.release();
    model.dispose();
    dispose();
  }
});

test.run();
