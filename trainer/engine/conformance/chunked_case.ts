/**
 * The conformance case of the prefix cache's chunked prefill: the first tokens of two sequences are
 * written into KV-cache rows, then the rest come as one chunk whose tokens (from both rows, mixed)
 * write their keys and values and attend over their row with `attentionDecode` — each token sees the
 * cached prefix and the chunk's earlier tokens. The outputs must equal full causal attention over the
 * whole sequences (the reference), on every backend.
 *
 * Sizes: 2 sequences of lengths 7 and 4, cached prefixes of 3 and 1, NH 4, NKV 2, hs 4, cache 3 rows × 9 positions.
 */
import { attentionForward } from "../cpu/ops/attention.ts";
import type { Prng } from "../../../core/random/sfc32.ts";
import type { Arrays, OpCase } from "./types.ts";
import { randomFloats } from "./fixtures.ts";

const B = 2, T = 7, NH = 4, NKV = 2, hs = 4, Bc = 3, maxT = 9, D = NKV * hs;
const LENGTHS = [7, 4], PREFIX = [3, 1], ROWS = [2, 0];

/** (b, t) of every cached token and of every chunk token, chunk tokens interleaved across the rows. */
function tokenLists() {
  const prefix: [number, number][] = [], chunk: [number, number][] = [];
  for (let b = 0; b < B; b++) for (let t = 0; t < PREFIX[b]; t++) prefix.push([b, t]);
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) if (t >= PREFIX[b] && t < LENGTHS[b]) chunk.push([b, t]);
  return { prefix, chunk };
}

/** Rows (b, t) of x (B,T,width), packed. */
function pack(x: Float32Array, list: [number, number][], width: number): Float32Array {
  const out = new Float32Array(list.length * width);
  list.forEach(([b, t], m) => out.set(x.subarray((b * T + t) * width, (b * T + t + 1) * width), m * width));
  return out;
}

function setup(rng: Prng): Arrays {
  const q = randomFloats(rng, B * T * NH * hs), k = randomFloats(rng, B * T * D), v = randomFloats(rng, B * T * D);
  const { prefix, chunk } = tokenLists();
  const ints = (list: [number, number][], f: (b: number, t: number) => number) => Int32Array.from(list, ([b, t]) => f(b, t));
  return {
    q, k, v, lengths: Int32Array.from(LENGTHS),
    kPrefix: pack(k, prefix, D), vPrefix: pack(v, prefix, D),
    prefixRows: ints(prefix, (b) => ROWS[b]), prefixPositions: ints(prefix, (_, t) => t),
    qChunk: pack(q, chunk, NH * hs), kChunk: pack(k, chunk, D), vChunk: pack(v, chunk, D),
    chunkRows: ints(chunk, (b) => ROWS[b]), chunkPositions: ints(chunk, (_, t) => t), chunkLengths: ints(chunk, (_, t) => t + 1),
    kCache: randomFloats(rng, Bc * maxT * D), vCache: randomFloats(rng, Bc * maxT * D),
    att: new Float32Array(chunk.length * NH * maxT), out: new Float32Array(chunk.length * NH * hs),
  };
}

/** Chunked prefill over a KV cache equals full causal attention. */
export const chunkedPrefillCase: OpCase = {
  name: "chunked prefill over a KV cache (cacheWrite + attentionDecode) vs full attention",
  kind: "forward",
  setup,
  outputs: ["out"],
  reference: (a) => {
    const full = new Float32Array(B * T * NH * hs);
    attentionForward(full, new Float32Array(B * NH * T * T), a.q as Float32Array, a.k as Float32Array, a.v as Float32Array,
      a.lengths as Int32Array, B, T, NH, NKV, hs);
    a.out.set(pack(full, tokenLists().chunk, NH * hs));
  },
  run: async (be, t) => {
    const { prefix, chunk } = tokenLists();
    const [P, M] = [prefix.length, chunk.length];
    await be.cacheWrite(t.kCache, t.kPrefix, t.prefixRows, t.prefixPositions, P, 1, maxT, D);
    await be.cacheWrite(t.vCache, t.vPrefix, t.prefixRows, t.prefixPositions, P, 1, maxT, D);
    await be.cacheWrite(t.kCache, t.kChunk, t.chunkRows, t.chunkPositions, M, 1, maxT, D);
    await be.cacheWrite(t.vCache, t.vChunk, t.chunkRows, t.chunkPositions, M, 1, maxT, D);
    await be.attentionDecode(t.out, t.att, t.qChunk, t.kCache, t.vCache, t.chunkRows, t.chunkLengths, M, maxT, NH, NKV, hs);
  },
};
