/**
 * The model's decoders: with the prefix cache on, a `StepDecoder` for the step batcher, whose cache rows
 * of finished sequences are kept (keyed by their tokens, see prefix_index.ts) so that a new context is
 * prefilled only past its longest cached prefix, by chunked prefill over the cached keys
 * (chunked_prefill.ts), in the same forward pass as the running rows' next tokens; contexts admitted
 * together that share a prefix prefill it once. The rows kept are bounded by a byte budget (least
 * recently used go first; an evicted prefix is simply prefilled again). With the cache off (budget 0),
 * the plain `Decoder` of `generate`: each call prefills its contexts from token 0 into its own cache.
 * Changing the weights must call `invalidate()`: keys and values computed by old weights are stale.
 */
import type { Decoder } from "../generate/generate.ts";
import type { StepDecoder, StepItem } from "../generate/step_batcher.ts";
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

/** The prefix cache's counters and size, and where the cached decoder's time went. */
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
  /** Rows leased to sequences being decoded (0 when no call is running). */
  leased: number;
  /** Steps of the step batcher (forward passes over the running rows, each of one or more chunks). */
  steps: number;
  /** Rows fed over all steps (stepRows / steps: the mean decode batch). */
  stepRows: number;
  /** Milliseconds spent finding cached prefixes (the index's plan). */
  lookupMs: number;
  /** Milliseconds spent growing the cache and copying cached prefixes between rows. */
  copyMs: number;
  /** Milliseconds spent in forward passes (prefill and decode tokens, LM head, logits download). */
  forwardMs: number;
}

/** A decoder that can drop its cache and report on it. */
export interface EngineDecoder extends Decoder, StepDecoder {
  /** Whether the prefix cache is on (the step decoder's path); off, `generate` runs on the plain `Decoder`. */
  readonly caching: boolean;
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
  let cache: KvCache | null = null; // the step decoder's rows: retained entries and leased live rows
  let plainCache: KvCache | null = null; // the cache-off path's rows 0..B-1
  let ws: Workspace | null = null;
  let invalidations = 0;
  let plainWs: Workspace | null = null; // the workspace the last plain prefill used, for its decode steps
  const timing = { steps: 0, stepRows: 0, lookupMs: 0, copyMs: 0, forwardMs: 0 };

  const rowsWithinBudget = () => (cache ? Math.floor(budgetBytes / (cache.maxT * positionBytes)) : 0);
  // positions in steps of 64, so a growing context does not reallocate (and copy) the cache every call
  const roundT = (maxT: number) => Math.min(config.maxSeqLen, Math.ceil(maxT / 64) * 64);

  const admit: StepDecoder["admit"] = async (contexts, maxT) => {
    const t0 = performance.now();
    const plan = index.plan(contexts);
    const t1 = performance.now();
    try {
      cache = await growKvCache(backend, config, cache, plan.capacity, roundT(maxT), chunkTokens);
      if (!ws || ws.B < cache.queries) {
        if (ws) for (const t of ws.all) backend.free(t);
        ws = createWorkspace(backend, config, cache.queries, 1, false, options.lora, { logits: false });
      }
      await copyRows(backend, config, cache, plan.copies);
    } catch (error) {
      index.release(plan.rows); // the caller never gets these rows: give their leases back
      throw error;
    }
    timing.lookupMs += t1 - t0;
    timing.copyMs += performance.now() - t1;
    const follows: StepItem["follow"][] = contexts.map(() => null);
    for (const f of plan.followers) follows[f.index] = { from: plan.rows[f.leader], length: f.length };
    return { rows: plan.rows, starts: plan.starts, follows };
  };

  const step: StepDecoder["step"] = async (items) => {
    const t0 = performance.now();
    const V = config.vocabSize;
    const logits = new Float32Array(items.length * V);
    const leaders = items.map((_, j) => j).filter((j) => items[j].follow === null);
    const followers = items.map((_, j) => j).filter((j) => items[j].follow !== null);
    const run = async (which: number[]) => {
      const out = await prefillOverCache(net, ws!, cache!, which.map((j) => items[j]));
      which.forEach((j, k) => logits.set(out.subarray(k * V, (k + 1) * V), j * V));
    };
    await run(leaders);
    let copyMs = 0;
    if (followers.length > 0) {
      const t1 = performance.now();
      const copies = followers.map((j) => ({ from: items[j].follow!.from, to: items[j].row, length: items[j].follow!.length }));
      await copyRows(backend, config, cache!, copies);
      copyMs = performance.now() - t1;
      await run(followers);
    }
    timing.steps += 1;
    timing.stepRows += items.length;
    timing.copyMs += copyMs;
    timing.forwardMs += performance.now() - t0 - copyMs;
    return logits;
  };

  const plainPrefill = async (contexts: number[][], maxT: number) => {
    plainWs = options.inferenceWorkspace(contexts.length, Math.max(...contexts.map((c) => c.length)));
    if (!plainCache || plainCache.rows < contexts.length || plainCache.maxT < maxT) {
      if (plainCache) for (const t of plainCache.all) backend.free(t);
      plainCache = createKvCache(
        backend, config, Math.max(contexts.length, plainCache?.rows ?? 0), Math.max(maxT, plainCache?.maxT ?? 0),
      );
    }
    return { logits: await prefill(net, plainWs, plainCache, contexts) };
  };

  return {
    vocabSize: config.vocabSize,
    maxSeqLen: config.maxSeqLen,
    get caching() {
      return budgetBytes > 0;
    },
    prefill: plainPrefill,
    decode: (rows, tokens, positions, B) => decodeStep(net, plainWs!, plainCache!, rows, tokens, positions, B),
    admit,
    step,
    release(row, sequence) {
      if (sequence && budgetBytes > 0) index.retain(Int32Array.of(row), [sequence], rowsWithinBudget());
      else index.release([row]);
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
        leased: index.leased,
        bytes: cache ? index.size * cache.maxT * positionBytes : 0,
        budgetBytes,
        allocatedBytes: kvBytes,
        ...timing,
      };
    },
    dispose() {
      for (const t of [...(cache?.all ?? []), ...(plainCache?.all ?? []), ...(ws?.all ?? [])]) backend.free(t);
      cache = plainCache = null;
      ws = null;
      index.clear();
    },
  };
}
