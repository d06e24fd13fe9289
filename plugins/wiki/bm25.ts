/**
 * Okapi BM25 over an in-memory inverted index.
 *
 * Written here rather than taken from npm: the whole ranking is the ~40 lines below, it matches the
 * BM25 of Pyserini/Lucene that Search-R1's retriever uses (idf `ln(1 + (N - df + 0.5) / (df + 0.5))`,
 * defaults k1 = 0.9, b = 0.4), it has no dependency to vet, and its scores can be checked by hand
 * (see bm25_test.ts). Libraries such as minisearch add fuzzy matching and field boosts that change
 * the scores and that a retrieval tool for RL does not want.
 *
 *   score(q, d) = Σ_{distinct t ∈ q} idf(t) · tf(t, d) · (k1 + 1) / (tf(t, d) + k1 · (1 − b + b · |d| / avgdl))
 */

/** Options of {@link createBm25}. */
export interface Bm25Options {
  /** Term-frequency saturation (default 0.9, Pyserini's). */
  k1?: number;
  /** Length normalisation, 0 to 1 (default 0.4, Pyserini's). */
  b?: number;
}

/** A ranked document: its position in the indexed list and its score. */
export interface Bm25Hit {
  index: number;
  score: number;
}

/** A BM25 index over a fixed list of texts. */
export interface Bm25Index {
  /** The `topk` best documents for `query`, best first; ties keep corpus order; documents scoring 0 are left out. */
  search(query: string, topk: number): Bm25Hit[];
  readonly size: number;
}

/**
 * Lower-cased runs of letters and digits: the analyzer of both documents and queries.
 *
 * @example
 * ```ts
 * tokenize("Who founded Velmora?"); // ["who", "founded", "velmora"]
 * ```
 */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * Indexes `texts` for BM25 search.
 *
 * @example
 * ```ts
 * const index = createBm25(["the cat sat", "a dog ran"]);
 * index.search("dog", 1); // [{ index: 1, score: 0.47... }]
 * ```
 */
export function createBm25(texts: readonly string[], options: Bm25Options = {}): Bm25Index {
  const { k1 = 0.9, b = 0.4 } = options;
  if (!(k1 >= 0) || !(b >= 0 && b <= 1)) throw new Error(`createBm25: k1 ${k1} must be >= 0 and b ${b} within [0, 1].`);
  const postings = new Map<string, Array<[doc: number, tf: number]>>();
  const lengths = new Float64Array(texts.length);
  texts.forEach((text, doc) => {
    const counts = new Map<string, number>();
    for (const term of tokenize(text)) counts.set(term, (counts.get(term) ?? 0) + 1);
    lengths[doc] = [...counts.values()].reduce((sum, tf) => sum + tf, 0);
    for (const [term, tf] of counts) {
      if (!postings.has(term)) postings.set(term, []);
      postings.get(term)!.push([doc, tf]);
    }
  });
  const n = texts.length;
  const avgdl = n === 0 ? 0 : lengths.reduce((sum, length) => sum + length, 0) / n;
  return {
    size: n,
    search(query, topk) {
      const scores = new Map<number, number>();
      for (const term of new Set(tokenize(query))) {
        const list = postings.get(term);
        if (!list) continue;
        const idf = Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5));
        for (const [doc, tf] of list) {
          const norm = k1 * (1 - b + (b * lengths[doc]) / avgdl);
          scores.set(doc, (scores.get(doc) ?? 0) + (idf * tf * (k1 + 1)) / (tf + norm));
        }
      }
      return [...scores]
        .map(([index, score]) => ({ index, score }))
        .sort((x, y) => y.score - x.score || x.index - y.index)
        .slice(0, Math.max(0, topk));
    },
  };
}
