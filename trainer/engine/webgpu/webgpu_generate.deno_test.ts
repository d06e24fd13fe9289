import { test } from "uvu";
import * as assert from "uvu/assert";
import { asciiTokenizer } from "../conformance/fixtures.ts";
import { createModel } from "../model/model.ts";
import { tinyConfigs, trainSteps } from "./testing/tiny.ts";
import { createWebGpuBackend } from "./webgpu_backend.ts";

const tokenizer = asciiTokenizer();
const backend = await createWebGpuBackend();

for (const family of ["gpt2", "llama", "qwen3"] as const) {
  test(`greedy generation with the KV cache on webgpu writes the cpu's tokens (${family})`, async () => {
    const config = tinyConfigs[family];
    const cpu = await createModel(config, { tokenizer, seed: 3 });
    const gpu = await createModel(config, { tokenizer, seed: 3, backend });
    await trainSteps(cpu, 3);
    await trainSteps(gpu, 3);
    const contexts = ["12+7=", "What is", "x"].map((s) => tokenizer.encode(s));
    const options = { maxNewTokens: [10, 6, 12], temperature: 0, stopTokens: [] };
    const expected = await cpu.generate(contexts, options);
    const actual = await gpu.generate(contexts, options);
    assert.equal(actual.map((g) => g.tokens), expected.map((g) => g.tokens));
    assert.equal(actual.map((g) => g.tokens.length), [10, 6, 12]);
    actual.forEach((g, i) => g.logprobs!.forEach((lp, j) => assert.ok(Math.abs(lp - expected[i].logprobs![j]) < 1e-4)));
    cpu.dispose();
    gpu.dispose();
  });
}

test.run();
