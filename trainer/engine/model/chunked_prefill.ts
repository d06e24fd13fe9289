/**
 * The prefix cache's compute: chunked prefill over cached keys (each context's new tokens attend to
 * its row's cached positions and causally to each other), copies of cached prefixes between rows, and
 * growing the cache without losing what it holds. Only existing backend ops are used (`cacheWrite`,
 * `attentionDecode`, `gatherRows`), so every backend runs it and the conformance suite covers it.
 *
 * Shapes: N tokens of a chunk, C channels, D = NKV*hs per position, V vocabulary, Bc cache rows.
 */
import type { Backend, Tensor } from "../backend/backend.ts";
import type { ModelConfig } from "../types.ts";
import { headSize } from "./config.ts";
import { createKvCache, feedTokens, headLogits, type KvCache } from "./decode.ts";
import type { Net } from "./net.ts";
import type { RowCopy } from "./prefix_index.ts";
import type { Workspace } from "./workspace.ts";

/** A context to prefill: `tokens[start..]` go into cache row `row`, whose positions 0..start-1 are already there. */
export interface ChunkItem {
  row: number;
  tokens: readonly number[];
  start: number;
}

/**
 * Prefills every item's new tokens in passes of at most `cache.queries` tokens; returns the next-token
 * logits (items, V) of each item's last token. Each item must have at least one new token.
 */
export async function prefillOverCache(net: Net, ws: Workspace, cache: KvCache, items: readonly ChunkItem[]): Promise<Float32Array> {
  const { nEmbd: C, vocabSize: V } = net.config;
  const out = new Float32Array(items.length * V);
  const chunk = Math.min(cache.queries, ws.B * ws.T);
  const rows = new Int32Array(chunk), tokens = new Int32Array(chunk), positions = new Int32Array(chunk);
  const lastOf: number[] = []; // item index of each gathered row
  const gather = new Int32Array(chunk);
  let n = 0;
  const flush = async () => {
    if (n === 0) return;
    const x = await feedTokens(net, ws, cache, rows, tokens, positions, n);
    if (lastOf.length > 0) {
      await net.backend.upload(cache.gather, gather.subarray(0, lastOf.length));
      await net.backend.gatherRows(cache.last, x, cache.gather, lastOf.length, C);
      const logits = await headLogits(net, cache, cache.last, lastOf.length);
      lastOf.forEach((item, m) => out.set(logits.subarray(m * V, (m + 1) * V), item * V));
    }
    n = 0;
    lastOf.length = 0;
  };
  for (let item = 0; item < items.length; item++) {
    const { row, tokens: seq, start } = items[item];
    if (!(start >= 0 && start < seq.length)) {
      throw new Error(`prefillOverCache: item ${item} starts at ${start} but has ${seq.length} tokens; keep at least one to prefill`);
    }
    for (let p = start; p < seq.length; p++) {
      rows[n] = row;
      tokens[n] = seq[p];
      positions[n] = p;
      if (p === seq.length - 1) {
        gather[lastOf.length] = n;
        lastOf.push(item);
      }
      n += 1;
      if (n === chunk) await flush();
    }
  }
  await flush();
  return out;
}

/** Copies positions 0..length-1 of row `from` into row `to` for every copy, in every block's keys and values. */
export async function copyRows(backend: Backend, config: ModelConfig, cache: KvCache, copies: readonly RowCopy[]): Promise<void> {
  const M = copies.reduce((sum, c) => sum + c.length, 0);
  if (M === 0) return;
  const D = config.nKvHead * headSize(config);
  const source = new Int32Array(M), rows = new Int32Array(M), offsets = new Int32Array(M);
  let m = 0;
  for (const { from, to, length } of copies) {
    for (let t = 0; t < length; t++, m++) {
      source[m] = from * cache.maxT + t;
      rows[m] = to;
      offsets[m] = t;
    }
  }
  const owned: Tensor[] = [backend.alloc([M, D]), backend.alloc([M], "i32"), backend.alloc([M], "i32"), backend.alloc([M], "i32")];
  const [scratch, sourceT, rowsT, offsetsT] = owned;
  try {
    await backend.upload(sourceT, source);
    await backend.upload(rowsT, rows);
    await backend.upload(offsetsT, offsets);
    // the cache seen as (Bc*maxT, D) rows: gather the source positions, then write them at their new rows
    for (const layer of [...cache.k, ...cache.v]) {
      await backend.gatherRows(scratch, layer, sourceT, M, D);
      await backend.cacheWrite(layer, scratch, rowsT, offsetsT, M, 1, cache.maxT, D);
    }
  } finally {
    for (const t of owned) backend.free(t);
  }
}

/**
 * A cache with at least `rows` rows, `maxT` positions and `queries` step tokens holding what `old` held
 * (every row, every position); `old` is freed. Returns `old` itself when it is large enough.
 */
export async function growKvCache(
  backend: Backend, config: ModelConfig, old: KvCache | null, rows: number, maxT: number, queries: number,
): Promise<KvCache> {
  if (old && old.rows >= rows && old.maxT >= maxT && old.queries >= queries) return old;
  const next = createKvCache(
    backend, config, Math.max(rows, old?.rows ?? 0), Math.max(maxT, old?.maxT ?? 0), Math.max(queries, old?.queries ?? 0),
  );
  if (!old) return next;
  const D = config.nKvHead * headSize(config);
  const owned = [backend.alloc([old.rows], "i32"), backend.alloc([old.rows], "i32")];
  try {
    await backend.upload(owned[0], Int32Array.from({ length: old.rows }, (_, r) => r));
    // old (rows, maxT, D) is a batch of rows × maxT positions written at offset 0 of the same rows
    for (let l = 0; l < config.nLayer; l++) {
      await backend.cacheWrite(next.k[l], old.k[l], owned[0], owned[1], old.rows, old.maxT, next.maxT, D);
      await backend.cacheWrite(next.v[l], old.v[l], owned[0], owned[1], old.rows, old.maxT, next.maxT, D);
    }
  } finally {
    for (const t of [...owned, ...old.all]) backend.free(t);
  }
  return next;
}
