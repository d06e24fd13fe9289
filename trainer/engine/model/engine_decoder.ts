/**
 * The model's `Decoder` for `generate`, with a prefix KV cache across calls: the cache rows of finished
 * sequences are kept (keyed by their tokens, see prefix_index.ts), and a new call prefills each
 * context only past its longest cached prefix, by chunked prefill over the cached keys
 * (chunked_prefill.ts); contexts of one call that share a prefix prefill it once. The rows kept are
 * bounded by a byte budget (least recently used go first; an evicted prefix is simply prefilled again).
 * Changing the weights must call `invalidate()`: keys and values computed by old weights are stale.
 */
import type { Decoder } from "../generate/generate.ts";
import type { LoraConfig } from "./lora.ts";
import { headSize } from "./config.ts";
import { copyRows, growKvCache, prefillOverCache } from "./chunked_prefill.ts";
import { createKvCache, decodeStep, type KvCache, prefill } from "./decode.ts";
import type { Net } from "./net.ts";
import { createPrefixIndex, type PrefixCounts } from "./prefix_index.ts";
import { createWorkspace, type Workspace } from "./workspace.ts";

/** Options of the prefix cache (`createModel(config, { prefixCache })`). */
export interface PrefixCacheOptions {
  /** Bytes of keys and values kept between `generate` calls; 0 turns the cache off (every call prefills from token 0). Default 256 MiB. */
  budgetBytes?: number;
  /** Most tokens one chunked-prefill pass feeds (bounds its buffers). Default 512. */
  chunkTokens?: number;
  /** Fewest positions a context must save to copy another context's prefix within a call. Default 16. */
  minShared?: number;
}

/** The prefix cache's counters and size. */
export interface PrefixCacheStats extends PrefixCounts {
  /** reusedTokens / (reusedTokens + prefilledTokens). */
  hitRate: number;
  /** Times the cache was dropped (the weights changed, or `clear()`). */
  invalidations: number;
  /** Sequences kept. */
  entries: number;
  /** Bytes of the rows kept (entries × maxT positions × bytes per position), what the budget bounds. */
  bytes: number;
  budgetBytes: number;
  /** Bytes of the cache's key/value tensors, rows of the current call included. */
  allocatedBytes: number;
}

/** A decoder that can drop its cache and report on it. */
export interface EngineDecoder extends Decoder {
  /** Drops every cached prefix (the weights changed, or a benchmark wants a cold start). */
  invalidate(): void;
  /** Sets the byte budget (0 turns the cache off) and drops every cached prefix. */
  setBudget(bytes: number): void;
  stats(): PrefixCacheStats;
  /** Frees the cache and the decoder's own workspace. */
  dispose(): void;
}

export const DEFAULT_PREFIX_BUDGET = 256 * 1024 * 1024;

/**
 * A decoder over `net`; `inferenceWorkspace(B, T)` lends the model's shared inference workspace for
 * the cache-off path.
 *
 * @example
 * ```ts
 * const decoder = createEngineDecoder(net, { inferenceWorkspace, lora: null, prefixCache: { budgetBytes: 64 << 20 } });
 * ```
 */
export function createEngineDecoder(
  net: Net,
  options: { inferenceWorkspace: (B: number, T: number) => Workspace; lora: LoraConfig | null; prefixCache?: PrefixCacheOptions },
): EngineDecoder {
  const { backend, config } = net;
  const checkBudget = (bytes: number) => {
    if (!(bytes >= 0)) throw new Error(`prefixCache.budgetBytes must be a number of bytes >= 0, got ${bytes}`);
    return bytes;
  };
  let budgetBytes = checkBudget(options.prefixCache?.budgetBytes ?? DEFAULT_PREFIX_BUDGET);
  const chunkTokens = options.prefixCache?.chunkTokens ?? 512;
  if (!(Number.isInteger(chunkTokens) && chunkTokens >= 1)) {
    throw new Error(`prefixCache.chunkTokens must be a whole number >= 1, got ${chunkTokens}`);
  }
  const index = createPrefixIndex({ minShared: options.prefixCache?.minShared });
  const positionBytes = 2 * config.nLayer * config.nKvHead * headSize(config) * 4;
  let cache: KvCache | null = null;
  let ws: Workspace | null = null;
  let invalidations = 0;
  let stepWs: Workspace | null = null; // the workspace the last prefill used, for its decode steps

  const rowsWithinBudget = () => (cache ? Math.floor(budgetBytes / (cache.maxT * positionBytes)) : 0);
  // positions in steps of 64, so a growing context does not reallocate (and copy) the cache every call
  const roundT = (maxT: number) => Math.min(config.maxSeqLen, Math.ceil(maxT / 64) * 64);

  const cachedPrefill = async (contexts: number[][], maxT: number) => {
    const plan = index.plan(contexts);
    cache = await growKvCache(backend, config, cache, plan.capacity, roundT(maxT), chunkTokens);
    if (!ws || ws.B < cache.queries) {
      if (ws) for (const t of ws.all) backend.free(t);
      ws = createWorkspace(backend, config, cache.queries, 1, false, options.lora);
    }
    stepWs = ws;
    await copyRows(backend, config, cache, plan.copies);
    const V = config.vocabSize;
    const logits = new Float32Array(contexts.length * V);
    const item = (b: number) => ({ row: plan.rows[b], tokens: contexts[b], start: plan.starts[b] });
    const leaderLogits = await prefillOverCache(net, ws, cache, plan.leaders.map(item));
    plan.leaders.forEach((b, k) => logits.set(leaderLogits.subarray(k * V, (k + 1) * V), b * V));
    if (plan.followers.length > 0) {
      const copies = plan.followers.map((f) => ({ from: plan.rows[f.leader], to: plan.rows[f.index], length: f.length }));
      await copyRows(backend, config, cache, copies);
      const followerLogits = await prefillOverCache(net, ws, cache, plan.followers.map((f) => item(f.index)));
      plan.followers.forEach((f, k) => logits.set(followerLogits.subarray(k * V, (k + 1) * V), f.index * V));
    }
    return { logits, rows: plan.rows };
  };

  const plainPrefill = async (contexts: number[][], maxT: number) => {
    stepWs = options.inferenceWorkspace(contexts.length, Math.max(...contexts.map((c) => c.length)));
    if (!cache || cache.rows < contexts.length || cache.maxT < maxT) {
      if (cache) for (const t of cache.all) backend.free(t);
      cache = createKvCache(backend, config, Math.max(contexts.length, cache?.rows ?? 0), Math.max(maxT, cache?.maxT ?? 0));
    }
    return { logits: await prefill(net, stepWs, cache, contexts) };
  };

  return {
    vocabSize: config.vocabSize,
    maxSeqLen: config.maxSeqLen,
    prefill: (contexts, maxT) => (budgetBytes > 0 ? cachedPrefill(contexts, maxT) : plainPrefill(contexts, maxT)),
    decode: (rows, tokens, positions, B) => decodeStep(net, stepWs!, cache!, rows, tokens, positions, B),
    retain(rows, sequences) {
      if (budgetBytes > 0) index.retain(rows, sequences, rowsWithinBudget());
    },
    invalidate() {
      invalidations += 1;
      index.clear();
    },
    setBudget(bytes) {
      budgetBytes = checkBudget(bytes);
      index.clear();
    },
    stats() {
      const { counts } = index;
      const seen = counts.reusedTokens + counts.prefilledTokens;
      const kvBytes = cache ? cache.rows * cache.maxT * positionBytes : 0;
      return {
        ...counts,
        hitRate: seen > 0 ? counts.reusedTokens / seen : 0,
        invalidations,
        entries: index.size,
        bytes: cache ? index.size * cache.maxT * positionBytes : 0,
        budgetBytes,
        allocatedBytes: kvBytes,
      };
    },
    dispose() {
      for (const t of [...(cache?.all ?? []), ...(ws?.all ?? [])]) backend.free(t);
      cache = ws = null;
      index.clear();
    },
  };
}
