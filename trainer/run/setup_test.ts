import { test } from "uvu";
import * as assert from "uvu/assert";
import { backendByName, resolveTask } from "./setup.ts";
import { charTokenizer } from "../../core/tokenizer/mod.ts";
import { tinyConfig } from "../engine/model/config.ts";
import { createModel } from "../engine/model/model.ts";

test("resolveTask() finds built-in tasks by name, also inside a plugin of another name", async () => {
  assert.is((await resolveTask("calculator", [])).name, "calculator");
  assert.is((await resolveTask("python-math", [])).name, "python-math");
});

test("resolveTask() finds a task of a --plugin module first", async () => {
  assert.is((await resolveTask("twice", ["./trainer/run/fixtures/twice_plugin.ts"])).name, "twice");
});

test("resolveTask() names the tasks it knows when the task is missing", async () => {
  try {
    await resolveTask("no-such-task", []);
    assert.unreachable("should have thrown");
  } catch (error) {
    assert.match((error as Error).message, /no task "no-such-task".*calculator/);
  }
});

test("resolveTask() suggests the nearest task for a misspelled name", async () => {
  const error = await resolveTask("calculater", []).catch((e: Error) => e);
  assert.match(String(error), /no task "calculater".*did you mean "calculator"\?/);
  const far = await resolveTask("zzzzzz", []).catch((e: Error) => e);
  assert.not.match(String(far), /did you mean/);
});

test("Model.clone() after an optimizer step, on the training backend (cpu+wasm), returns a copy with the same weights and moments", async () => {
  const tokenizer = charTokenizer();
  const backend = await backendByName("cpu");
  const size = { nLayer: 1, nEmbd: 32, nHead: 2, nKvHead: 1, nInner: 64, maxSeqLen: 32 };
  const model = await createModel({ ...tinyConfig(tokenizer.vocabSize), ...size }, { tokenizer, backend, seed: 1 });
  await model.forward({ tokens: new Int32Array([1, 2, 3, 4, 5, 6, 7, 8]), B: 2, T: 4 }, { grad: true });
  await model.backward({ logprobs: new Float32Array(6).fill(-1) });
  await model.step({ lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, maxGradNorm: 0 });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error("clone() did not return in 20 s")), 20_000)));
  const copy = await Promise.race([model.clone(), hung]).finally(() => clearTimeout(timer));
  for (const [mine, theirs] of [[await model.stateDict(), await copy.stateDict()], [await model.optimizerState(), await copy.optimizerState()]]) {
    assert.equal([...theirs.keys()], [...mine.keys()]);
    for (const [name, tensor] of mine) assert.equal(Array.from(theirs.get(name)!.data), Array.from(tensor.data), name);
  }
  copy.dispose();
  model.dispose();
});

test.run();
