/**
 * Inference with a KV cache: `prefill` runs the contexts through the model once, writing every
 * block's keys and values into cache rows 0..B-1, and returns the next-token logits of each row;
 * `decodeStep` feeds one new token for each active row (any subset of cache rows) and attends over
 * that row's cache. Finished rows are simply left out of later steps.
 */
import type { Backend, Tensor } from "../backend/backend.ts";
import type { ModelConfig } from "../types.ts";
import { headSize } from "./config.ts";
import { type Attend, type Net, normForward, trunkForward } from "./forward.ts";
import type { Workspace } from "./workspace.ts";

/** Keys and values of every block for `rows` sequences of up to `maxT` positions, plus step buffers for `queries` tokens. */
export interface KvCache {
  rows: number;
  maxT: number;
  /** Tokens one step may feed (decode: one per row; chunked prefill: a chunk). */
  queries: number;
  k: Tensor[]; // per layer (rows, maxT, NKV*hs)
  v: Tensor[];
  att: Tensor; // (queries, NH, maxT)
  rowIndex: Tensor; // (queries) int32: cache row of each active row
  offsets: Tensor; // (queries) int32: position of the first token written
  lengths: Tensor; // (queries) int32: valid cache positions per active row
  gather: Tensor; // (queries) int32
  last: Tensor; // (rows, C)
  lastNorm: Tensor; // (rows, C)
  lastMean: Tensor | null; // (rows)
  lastRstd: Tensor; // (rows)
  logits: Tensor; // (rows, V)
  all: Tensor[];
}

/** A cache for `rows` sequences of up to `maxT` positions, feeding up to `queries` (default `rows`) tokens a step. */
export function createKvCache(backend: Backend, config: ModelConfig, rows: number, maxT: number, queries = rows): KvCache {
  const Q = Math.max(rows, queries);
  const { nEmbd: C, nHead: NH, nKvHead: NKV, vocabSize: V } = config;
  const D = NKV * headSize(config);
  const all: Tensor[] = [];
  const f = (...shape: number[]) => {
    const t = backend.alloc(shape);
    all.push(t);
    return t;
  };
  const int = (n: number) => {
    const t = backend.alloc([n], "i32");
    all.push(t);
    return t;
  };
  return {
    rows,
    maxT,
    queries: Q,
    k: Array.from({ length: config.nLayer }, () => f(rows, maxT, D)),
    v: Array.from({ length: config.nLayer }, () => f(rows, maxT, D)),
    att: f(Q, NH, maxT),
    rowIndex: int(Q),
    offsets: int(Q),
    lengths: int(Q),
    gather: int(Q),
    last: f(rows, C),
    lastNorm: f(rows, C),
    lastMean: config.family === "gpt2" ? f(rows) : null,
    lastRstd: f(rows),
    logits: f(rows, V),
    all,
  };
}

/** Final norm and LM head over M rows of `x` (M,C); returns host logits (M,V). */
export async function headLogits(net: Net, cache: KvCache, x: Tensor, M: number): Promise<Float32Array> {
  const { backend: be, config, weights: w } = net;
  await normForward(net, cache.lastNorm, cache.lastMean, cache.lastRstd, x, w.normfW, w.normfB, M);
  await be.matmulForward(cache.logits, cache.lastNorm, w.lmHead, null, M, config.nEmbd, config.vocabSize);
  return (await be.download(cache.logits, M * config.vocabSize)) as Float32Array;
}

/** Runs `contexts` (each non-empty) into cache rows `cacheRows` (default 0..B-1); returns next-token logits (B,V). */
export async function prefill(
  net: Net, ws: Workspace, cache: KvCache, contexts: number[][], cacheRows?: Int32Array,
): Promise<Float32Array> {
  const be = net.backend;
  const B = contexts.length;
  const T = Math.max(...contexts.map((c) => c.length));
  const D = net.config.nKvHead * headSize(net.config);
  const tokens = new Int32Array(B * T), positions = new Int32Array(B * T);
  const lengths = new Int32Array(B), rows = new Int32Array(B), gather = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    tokens.set(contexts[b], b * T);
    for (let t = 0; t < T; t++) positions[b * T + t] = t;
    lengths[b] = contexts[b].length;
    rows[b] = cacheRows ? cacheRows[b] : b;
    gather[b] = b * T + contexts[b].length - 1;
  }
  await be.upload(ws.tokens, tokens);
  await be.upload(ws.positions, positions);
  await be.upload(ws.lengths, lengths);
  await be.upload(cache.rowIndex, rows);
  await be.upload(cache.offsets, new Int32Array(B));
  await be.upload(cache.gather, gather);
  const { nHead: NH, nKvHead: NKV } = net.config;
  const hs = headSize(net.config);
  const attend: Attend = async (l, a) => {
    await be.attentionForward(a.attOut, a.att, a.q, a.k, a.v, ws.lengths, B, T, NH, NKV, hs);
    await be.cacheWrite(cache.k[l], a.k, cache.rowIndex, cache.offsets, B, T, cache.maxT, D);
    await be.cacheWrite(cache.v[l], a.v, cache.rowIndex, cache.offsets, B, T, cache.maxT, D);
  };
  const x = await trunkForward(net, ws, B, T, attend);
  await be.gatherRows(cache.last, x, cache.gather, B, net.config.nEmbd);
  return headLogits(net, cache, cache.last, B);
}

/**
 * Feeds tokens[i] at position positions[i] of cache row rows[i], for i < B; returns logits (B,V).
 * The cache row must already hold positions 0..positions[i]-1.
 */
export async function decodeStep(
  net: Net, ws: Workspace, cache: KvCache,
  rows: Int32Array, tokens: Int32Array, positions: Int32Array, B: number,
): Promise<Float32Array> {
  const x = await feedTokens(net, ws, cache, rows, tokens, positions, B);
  return headLogits(net, cache, x, B);
}

/**
 * Feeds tokens[i] at positions[i] of cache row rows[i], for i < B (several may share a row: a chunk of
 * consecutive positions); each block writes every token's key and value before any token attends, so
 * token i sees its row's positions 0..positions[i] — causal within the chunk, full over the cache.
 * Returns the last residual stream (B,C).
 */
export async function feedTokens(
  net: Net, ws: Workspace, cache: KvCache,
  rows: Int32Array, tokens: Int32Array, positions: Int32Array, B: number,
): Promise<Tensor> {
  const be = net.backend;
  const { nHead: NH, nKvHead: NKV } = net.config;
  const hs = headSize(net.config);
  const D = NKV * hs;
  const lengths = new Int32Array(B);
  for (let i = 0; i < B; i++) lengths[i] = positions[i] + 1;
  await be.upload(ws.tokens, tokens.subarray(0, B));
  await be.upload(ws.positions, positions.subarray(0, B));
  await be.upload(cache.rowIndex, rows.subarray(0, B));
  await be.upload(cache.offsets, positions.subarray(0, B));
  await be.upload(cache.lengths, lengths);
  const attend: Attend = async (l, a) => {
    await be.cacheWrite(cache.k[l], a.k, cache.rowIndex, cache.offsets, B, 1, cache.maxT, D);
    await be.cacheWrite(cache.v[l], a.v, cache.rowIndex, cache.offsets, B, 1, cache.maxT, D);
    await be.attentionDecode(a.attOut, cache.att, a.q, cache.k[l], cache.v[l], cache.rowIndex, cache.lengths, B, cache.maxT, NH, NKV, hs);
  };
  return await trunkForward(net, ws, B, 1, attend);
}
