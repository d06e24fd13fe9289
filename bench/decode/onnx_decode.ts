/**
 * Greedy decoding with onnxruntime-web (its wasm backend) on the decoder that `toolrl export-onnx`
 * writes for a model (`onnxExportFiles`, KV cache inputs and outputs): one prefill call over the
 * prompts, then one call per new token feeding the returned `present.*` tensors back as
 * `past_key_values.*`. Every row has the same prompt length, so no padding.
 *
 * Shapes: B batch, P prompt tokens, V vocabulary.
 */
import * as ort from "onnxruntime-web";
import type { EngineModel } from "../../trainer/engine/model/model.ts";
import { ONNX_MODEL_FILE, onnxExportFiles } from "../../trainer/onnx/export/export_onnx.ts";
import { cacheNames } from "../../trainer/onnx/graph/decoder_graph.ts";

/** An onnxruntime-web session on a model's export. */
export interface OnnxDecoder {
  /** e.g. "onnxruntime-web 1.31.0 wasm (2 threads)". */
  label: string;
  /** Greedy continuations of `contexts` (all the same length), `newTokens` each. */
  generate(contexts: number[][], newTokens: number): Promise<number[][]>;
  release(): Promise<void>;
}

/**
 * Exports `model` as `toolrl export-onnx` does and opens it in onnxruntime-web on `threads` threads.
 *
 * @example
 * ```ts
 * const onnx = await openOnnxDecoder(model, 2);
 * const [tokens] = await onnx.generate([promptIds], 32);
 * ```
 */
export async function openOnnxDecoder(model: EngineModel, threads: number): Promise<OnnxDecoder> {
  const files = onnxExportFiles({ config: model.config, weights: await model.stateDict(), tokenizer: model.tokenizer });
  const bytes = files.get(ONNX_MODEL_FILE) as Uint8Array;
  ort.env.wasm.numThreads = threads;
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ["wasm"], graphOptimizationLevel: "all" });
  const { nLayer, nKvHead: NKV, nEmbd, nHead, vocabSize: V } = model.config;
  const hs = nEmbd / nHead;
  const i64 = (values: ArrayLike<number>, dims: number[]) => new ort.Tensor("int64", BigInt64Array.from(values as number[], BigInt), dims);
  const argmaxRows = (logits: Float32Array, B: number, S: number) =>
    Array.from({ length: B }, (_, b) => {
      const row = (b * S + S - 1) * V;
      let best = 0;
      for (let j = 1; j < V; j++) if (logits[row + j] > logits[row + best]) best = j;
      return best;
    });
  return {
    label: `onnxruntime-web ${ort.env.versions.web ?? ""} wasm (${threads} thread${threads === 1 ? "" : "s"})`.replace("  ", " "),
    async generate(contexts, newTokens) {
      const B = contexts.length, P = contexts[0].length;
      if (contexts.some((c) => c.length !== P)) throw new Error(`onnx decode: every context must have ${P} tokens`);
      const out = contexts.map(() => [] as number[]);
      let past: Record<string, ort.Tensor> = {};
      for (let l = 0; l < nLayer; l++) {
        const { pastKey, pastValue } = cacheNames(l);
        past[pastKey] = new ort.Tensor("float32", new Float32Array(0), [B, NKV, 0, hs]);
        past[pastValue] = new ort.Tensor("float32", new Float32Array(0), [B, NKV, 0, hs]);
      }
      let ids = contexts.flat(), S = P, done = 0;
      for (let step = 0; step < newTokens; step++) {
        const feeds: Record<string, ort.Tensor> = {
          ...past,
          input_ids: i64(ids, [B, S]),
          attention_mask: i64(new Array(B * (done + S)).fill(1), [B, done + S]),
          position_ids: i64(Array.from({ length: B * S }, (_, n) => done + (n % S)), [B, S]),
        };
        const result = await session.run(feeds);
        const next = argmaxRows(result.logits.data as Float32Array, B, S);
        next.forEach((token, b) => out[b].push(token));
        const fresh: Record<string, ort.Tensor> = {};
        for (let l = 0; l < nLayer; l++) {
          const names = cacheNames(l);
          fresh[names.pastKey] = result[names.presentKey];
          fresh[names.pastValue] = result[names.presentValue];
        }
        result.logits.dispose();
        for (const t of Object.values(past)) t.dispose();
        past = fresh;
        done += S;
        ids = next;
        S = 1;
      }
      for (const t of Object.values(past)) t.dispose();
      return out;
    },
    release: () => session.release(),
  };
}
