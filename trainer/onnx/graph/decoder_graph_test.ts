import { test } from "uvu";
import * as assert from "uvu/assert";
import * as ort from "onnxruntime-web";
import { cacheNames, decoderGraph } from "./decoder_graph.ts";
import { encodeOnnxModel } from "../proto/onnx_proto.ts";
import { fixtureConfig, fixtureModel, fixtureTokenizer as tokenizer, fixtureWeights } from "../testing/fixtures.ts";
import type { ModelConfig } from "../../engine/types.ts";

ort.env.wasm.numThreads = 1;
const TOLERANCE = 1e-4;

async function session(config: ModelConfig) {
  const model = await fixtureModel(config);
  const bytes = encodeOnnxModel({ graph: decoderGraph(config, await fixtureWeights(model)), opset: 17, producerName: "test" });
  return { model, session: await ort.InferenceSession.create(bytes, { executionProviders: ["wasm"] }) };
}

const i64 = (values: number[], dims: number[]) => new ort.Tensor("int64", BigInt64Array.from(values, BigInt), dims);

/** Feeds for `rows` left-padded to one length, positions counting real tokens, after `past` (or empty pasts). */
function feeds(config: ModelConfig, rows: number[][], past?: Record<string, ort.Tensor>, pastLength = 0) {
  const S = Math.max(...rows.map((r) => r.length));
  const ids: number[] = [], mask: number[] = [], positions: number[] = [];
  for (const row of rows) {
    const pad = S - row.length;
    ids.push(...Array(pad).fill(tokenizer.padId), ...row);
    mask.push(...Array(pastLength).fill(1), ...Array(pad).fill(0), ...row.map(() => 1));
    positions.push(...Array(pad).fill(1), ...row.map((_, t) => pastLength + t));
  }
  const B = rows.length, hs = config.nEmbd / config.nHead;
  const out: Record<string, ort.Tensor> = {
    input_ids: i64(ids, [B, S]),
    attention_mask: i64(mask, [B, pastLength + S]),
    position_ids: i64(positions, [B, S]),
  };
  for (let l = 0; l < config.nLayer; l++) {
    const { pastKey, pastValue, presentKey, presentValue } = cacheNames(l);
    out[pastKey] = past?.[presentKey] ?? new ort.Tensor("float32", new Float32Array(0), [B, config.nKvHead, 0, hs]);
    out[pastValue] = past?.[presentValue] ?? new ort.Tensor("float32", new Float32Array(0), [B, config.nKvHead, 0, hs]);
  }
  return out;
}

/** Largest |a - b| over logits rows of one sequence: ONNX row `from + t` against engine row t. */
function maxDiff(onnx: Float32Array, onnxRow: (t: number) => number, engine: Float32Array, engineRow: (t: number) => number, count: number, V: number) {
  let worst = 0;
  for (let t = 0; t < count; t++) {
    for (let j = 0; j < V; j++) worst = Math.max(worst, Math.abs(onnx[onnxRow(t) * V + j] - engine[engineRow(t) * V + j]));
  }
  return worst;
}

for (const family of ["llama", "qwen2", "gpt2"] as const) {
  test(`decoderGraph() ${family}: onnxruntime-web logits match the engine's within ${TOLERANCE}, padded batch and KV cache`, async () => {
    const config = fixtureConfig(family);
    const { model, session: s } = await session(config);
    const V = config.vocabSize;
    const rows = [tokenizer.encode("What is 12 + 7?"), tokenizer.encode("<call>2*3")];
    const [long, short] = rows.map((r) => r.length);

    // one padded batch: ONNX left-padded, the engine right-padded with lengths
    const out = await s.run(feeds(config, rows));
    assert.equal(out.logits.dims, [2, long, V]);
    const engineTokens = new Int32Array(2 * long);
    engineTokens.set(rows[0]);
    engineTokens.set(rows[1], long);
    const engine = await model.logits({ tokens: engineTokens, B: 2, T: long, lengths: [long, short] });
    const onnx = out.logits.data as Float32Array;
    const first = maxDiff(onnx, (t) => t, engine, (t) => t, long, V);
    const second = maxDiff(onnx, (t) => long + (long - short) + t, engine, (t) => long + t, short, V);
    assert.ok(first < TOLERANCE && second < TOLERANCE, `max |diff| ${first}, ${second}`);
    // the scale is not trivial: logits spread over several units
    assert.ok(Math.max(...engine.subarray(0, V)) - Math.min(...engine.subarray(0, V)) > 1);

    // KV cache: the first 10 tokens, then the rest on top of the returned presents
    const head = rows[0].slice(0, 10), tail = rows[0].slice(10);
    const prefill = await s.run(feeds(config, [head]));
    const step = await s.run(feeds(config, [tail], prefill, head.length));
    const hs = config.nEmbd / config.nHead;
    assert.equal(step[cacheNames(config.nLayer - 1).presentKey].dims, [1, config.nKvHead, long, hs]);
    const cached = maxDiff(step.logits.data as Float32Array, (t) => t, engine, (t) => head.length + t, tail.length, V);
    assert.ok(cached < TOLERANCE, `max |diff| with the cache ${cached}`);
    model.dispose();
  });
}

test("decoderGraph() names a missing weight and what to pass instead", async () => {
  const config = fixtureConfig("llama");
  const model = await fixtureModel(config);
  const weights = await fixtureWeights(model);
  weights.delete("model.layers.1.mlp.up_proj.weight");
  assert.throws(() => decoderGraph(config, weights), /"model\.layers\.1\.mlp\.up_proj\.weight" is missing/);
  model.dispose();
});

test("decoderGraph() refuses qwen3 (q/k norms, free head size), naming the family", () => {
  const config: ModelConfig = { ...fixtureConfig("llama"), family: "qwen3", headDim: 12 };
  assert.throws(() => decoderGraph(config, new Map()), /family "qwen3" with head size 12 is not exported/);
});

test.run();
