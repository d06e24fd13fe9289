/**
 * A `Policy` running an ONNX decoder through `@huggingface/transformers`, loaded strictly from a
 * local folder (no hub access): `toolrl export-onnx` folders, or Hugging Face ONNX exports of decoders
 * with a KV cache (`past_key_values.*` in, `present.*` out). Runs on `cpu` in Node and Deno,
 * `wasm` or `webgpu` in browsers.
 *
 * Generation is the engine's (`trainer/engine/generate`), on this model's logits: the batch is
 * left-padded and prefilled once, then every row gets one token per step over the KV cache; a row
 * ends on an EOS id (kept, "eos"), after writing a stop string (kept, "stop") or at its budget or the
 * model's length ("length"). Sampling uses the engine's sampler with one stream per row seeded by
 * (seed, row), so with the same logits it draws what the engine draws; logprobs are the model's
 * temperature-1 logprobs of the drawn tokens.
 */
import { AutoModelForCausalLM, AutoTokenizer, env, type PreTrainedModel, Tensor } from "@huggingface/transformers";
import type { GenerateOptions, Generation, Policy } from "../core/types.ts";
import { sampleToken, sharedSamplingScratch } from "../trainer/engine/generate/sampling.ts";
import { createPrng, type Prng } from "../core/random/sfc32.ts";
import { stopChecker } from "../core/tokenizer/stop_check.ts";

/** Options of `transformersPolicy`. */
export interface TransformersPolicyOptions {
  /** The model folder: a local path in Node/Deno, a same-origin URL path (`/models/calc`) in browsers. */
  modelDir: string;
  /** Where it runs; default transformers.js's choice (`cpu` in Node/Deno, `wasm` in browsers; `cuda` is Node-only). */
  device?: "cpu" | "wasm" | "webgpu" | "cuda";
  /** Weight file variant (`onnx/model.onnx` is fp32). Default "fp32". */
  dtype?: "fp32" | "fp16" | "q8" | "q4";
}

/** A loaded transformers.js policy. */
export interface TransformersPolicy extends Policy {
  /** The model's vocabulary size and longest sequence, from its config. */
  readonly vocabSize: number;
  readonly maxSeqLen: number;
  /** Releases the ONNX sessions. */
  dispose(): Promise<void>;
}

interface Row {
  budget: number;
  tokens: number[];
  logprobs: number[];
  finish: Generation["finishReason"] | null;
  rng: Prng;
}

type Outputs = Record<string, Tensor>;

/**
 * Loads the model at `modelDir` and returns a policy over it.
 *
 * @example
 * ```ts
 * const policy = await transformersPolicy({ modelDir: "exports/calculator" });
 * const [g] = await policy.generate([tokenizer.encode("What is 2 + 3?\n")], { maxNewTokens: 32, temperature: 0 });
 * ```
 */
export async function transformersPolicy(options: TransformersPolicyOptions): Promise<TransformersPolicy> {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  const load = { local_files_only: true, dtype: options.dtype ?? "fp32", ...(options.device ? { device: options.device } : {}) };
  let model: PreTrainedModel;
  let hfTokenizer: Awaited<ReturnType<typeof AutoTokenizer.from_pretrained>>;
  try {
    model = await AutoModelForCausalLM.from_pretrained(options.modelDir, load);
    hfTokenizer = await AutoTokenizer.from_pretrained(options.modelDir, { local_files_only: true });
  } catch (error) {
    throw new Error(
      `transformersPolicy: cannot load an ONNX text-generation model from ${JSON.stringify(options.modelDir)} ` +
        `(${(error as Error).message}); the folder needs config.json, tokenizer.json and onnx/model.onnx, ` +
        `as "toolrl export-onnx <checkpoint> <dir>" writes them.`,
    );
  }
  const config = model.config as unknown as Record<string, unknown>;
  const vocabSize = Number(config.vocab_size);
  const maxSeqLen = Number(config.max_position_embeddings ?? config.n_positions ?? Infinity);
  const eosIds = new Set([config.eos_token_id].flat().filter((id): id is number => typeof id === "number"));
  const padId = typeof config.pad_token_id === "number" ? config.pad_token_id : [...eosIds][0] ?? 0;
  const decode = (ids: number[]) => hfTokenizer.decode(ids, { skip_special_tokens: false });
  let queue: Promise<unknown> = Promise.resolve();

  async function generate(contexts: number[][], opts: GenerateOptions): Promise<Generation[]> {
    // decodes only each row's last tokens per step
    const hitsStop = stopChecker({ decode: (ids) => decode(Array.from(ids)) }, opts.stop ?? []);
    const sampling = { temperature: opts.temperature ?? 1, topK: opts.topK, topP: opts.topP };
    const seed = opts.seed ?? 0;
    const rows: Row[] = contexts.map((context, i) => {
      if (context.length === 0) throw new Error(`transformersPolicy: context ${i} is empty; give at least one token.`);
      const wanted = Array.isArray(opts.maxNewTokens) ? opts.maxNewTokens[i] : opts.maxNewTokens;
      if (!Number.isInteger(wanted) || wanted < 0) {
        throw new Error(`transformersPolicy: maxNewTokens for context ${i} must be a non-negative integer, got ${wanted}`);
      }
      const budget = Math.min(wanted, maxSeqLen - context.length);
      const rng = opts.seeds ? createPrng(opts.seeds[i]) : createPrng(seed, i);
      return { budget, tokens: [], logprobs: [], finish: budget > 0 ? null : "length", rng };
    });
    const live = contexts.map((_, i) => i).filter((i) => rows[i].finish === null);
    if (live.length === 0) return rows.map(result);
    const scratch = sharedSamplingScratch(vocabSize);
    const accept = (row: Row, logits: Float32Array) => {
      const { token, logprob } = sampleToken(logits, sampling, { rng: row.rng, scratch });
      row.tokens.push(token);
      row.logprobs.push(logprob);
      if (eosIds.has(token)) row.finish = "eos";
      else if (hitsStop?.(row.tokens)) row.finish = "stop";
      else if (row.tokens.length >= row.budget) row.finish = "length";
    };

    // prefill: the live contexts left-padded to one length S, positions counting real tokens only
    const B = live.length;
    const S = Math.max(...live.map((i) => contexts[i].length));
    const ids = new BigInt64Array(B * S).fill(BigInt(padId));
    const positions = new BigInt64Array(B * S).fill(1n);
    const masks = live.map((i) => [...new Array(S - contexts[i].length).fill(0), ...contexts[i].map(() => 1)]);
    live.forEach((i, b) => {
      const pad = S - contexts[i].length;
      contexts[i].forEach((id, t) => {
        ids[b * S + pad + t] = BigInt(id);
        positions[b * S + pad + t] = BigInt(t);
      });
    });
    let step = await forward(ids, masks, positions, S, null);
    live.forEach((i, b) => accept(rows[i], lastLogits(step.logits, b)));
    // decode: every live row feeds its last token (a finished row feeds a pad) until all are done
    const next = BigInt64Array.from(live, (i) => BigInt(contexts[i].length));
    while (live.some((i) => rows[i].finish === null)) {
      opts.signal?.throwIfAborted();
      const tokens = BigInt64Array.from(live, (i) => BigInt(rows[i].finish === null ? rows[i].tokens.at(-1)! : padId));
      for (const m of masks) m.push(1);
      step = await forward(tokens, masks, next, 1, step);
      live.forEach((i, b) => {
        if (rows[i].finish === null) accept(rows[i], lastLogits(step.logits, b));
      });
      for (let b = 0; b < B; b++) next[b] += 1n;
    }
    releaseCache(step);
    return rows.map(result);
  }

  /** One forward pass over `ids` (B,S) with per-row masks (past + S); the cache comes from `previous`. */
  async function forward(ids: BigInt64Array, masks: number[][], positions: BigInt64Array, S: number, previous: Outputs | null) {
    const B = masks.length, T = masks[0].length;
    const outputs = await model.forward({
      input_ids: new Tensor("int64", ids, [B, S]),
      attention_mask: new Tensor("int64", BigInt64Array.from(masks.flat(), BigInt), [B, T]),
      position_ids: new Tensor("int64", positions, [B, S]),
      past_key_values: previous ? pastFrom(previous) : null,
    }) as Outputs;
    if (previous) releaseCache(previous);
    return outputs;
  }

  return {
    vocabSize,
    maxSeqLen,
    // one generation at a time: the session and its buffers are shared
    generate(contexts, opts) {
      const run = queue.then(() => generate(contexts, opts));
      queue = run.catch(() => undefined);
      return run;
    },
    dispose: async () => void await model.dispose(),
  };
}

/** The next-token logits of row b: the last position of `logits` (B,S,V), as a view. */
function lastLogits(logits: Tensor, b: number): Float32Array {
  const [, S, V] = logits.dims;
  const data = logits.data as Float32Array;
  return data.subarray((b * S + S - 1) * V, (b * S + S) * V);
}

/** `present.*` outputs renamed as the next call's `past_key_values.*` inputs. */
function pastFrom(outputs: Outputs): Record<string, Tensor> {
  const past: Record<string, Tensor> = {};
  for (const [name, tensor] of Object.entries(outputs)) {
    if (name.startsWith("present")) past[name.replace(/^present/, "past_key_values")] = tensor;
  }
  return past;
}

/** Frees cache tensors that live on the GPU (CPU tensors are garbage collected). */
function releaseCache(outputs: Outputs): void {
  for (const [name, tensor] of Object.entries(outputs)) {
    if (name.startsWith("present") && (tensor as unknown as { location?: string }).location === "gpu-buffer") tensor.dispose();
  }
}

function result(row: Row): Generation {
  return { tokens: row.tokens, logprobs: row.logprobs, finishReason: row.finish ?? "length" };
}
