// A model's stateDict and optimizer state survive saveCheckpoint → loadCheckpoint → a fresh model, bit for bit.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { charTokenizer } from "../../../../core/tokenizer/mod.ts";
import { createModel } from "../../model/model.ts";
import type { ModelConfig } from "../../types.ts";
import { joinPath } from "../fs/fs.ts";
import { tempDir } from "../fs/testing/temp_dir.ts";
import type { TensorMap } from "../safetensors/safetensors.ts";
import { bitsOf } from "../weights/testing/fixtures.ts";
import { loadCheckpoint } from "./load_checkpoint.ts";
import { saveCheckpoint } from "./save_checkpoint.ts";

const tokenizer = charTokenizer();
const base = { vocabSize: tokenizer.vocabSize, maxSeqLen: 16, nLayer: 2, normEps: 1e-5, ropeTheta: 10000 };
const configs: ModelConfig[] = [
  { ...base, family: "gpt2", nHead: 2, nKvHead: 2, nEmbd: 8, nInner: 32, qkvBias: true, tieEmbeddings: true },
  { ...base, family: "llama", nHead: 4, nKvHead: 2, nEmbd: 16, nInner: 24, qkvBias: false, tieEmbeddings: false },
  { ...base, family: "qwen2", nHead: 2, nKvHead: 1, nEmbd: 8, nInner: 12, qkvBias: true, tieEmbeddings: true },
];

function assertSameBits(actual: TensorMap, expected: TensorMap) {
  assert.equal([...actual.keys()].sort(), [...expected.keys()].sort());
  for (const [name, t] of expected) {
    assert.equal(actual.get(name)!.shape, t.shape, name);
    assert.equal(bitsOf(actual.get(name)!.data), bitsOf(t.data), name);
  }
}

test("a trained model's weights, value head and optimizer state load into a fresh model bit-exactly", async () => {
  const tmp = await tempDir();
  try {
    const tokens = new Int32Array(tokenizer.encode("<request>2+2<call>4"));
    const input = { tokens, B: 1, T: tokens.length };
    for (const config of configs) {
      const trained = await createModel(config, { tokenizer, seed: 1 });
      const out = await trained.forward(input, { grad: true });
      await trained.backward({ logprobs: new Float32Array(out.logprobs.length).fill(-1), values: new Float32Array(out.values.length).fill(0.5) });
      await trained.step({ lr: 1e-2, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, maxGradNorm: 1 });

      const dir = joinPath(tmp.path, config.family);
      const weights = await trained.stateDict();
      await saveCheckpoint(dir, { config, weights, tokenizer, optimizer: await trained.optimizerState(), trainerState: { step: 1 } });
      const checkpoint = await loadCheckpoint(dir);
      assert.equal(checkpoint.config, config);

      const fresh = await createModel(checkpoint.config, { tokenizer: checkpoint.tokenizer, seed: 2 });
      await fresh.loadStateDict(new Map([...checkpoint.weights, ...checkpoint.valueHead!]));
      await fresh.loadOptimizerState(checkpoint.optimizer!);
      assertSameBits(await fresh.stateDict(), weights);
      assertSameBits(await fresh.optimizerState(), await trained.optimizerState());
      const [a, b] = [await trained.forward(input), await fresh.forward(input)];
      assert.equal(bitsOf(b.logprobs), bitsOf(a.logprobs), config.family);
      assert.equal(bitsOf(b.values), bitsOf(a.values), config.family);
    }
  } finally {
    await tmp.cleanup();
  }
});

test.run();
