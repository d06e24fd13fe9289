/**
 * `createSearchIndex`: BM25 over a corpus of `{ id, title, text }` documents, answering both the
 * `wiki` tool and the Search-R1 `/retrieve` contract (so the tool server can serve it).
 */
import { type Bm25Options, createBm25 } from "./bm25.ts";

/** One document of a corpus. */
export interface WikiDocument {
  id: string;
  title: string;
  text: string;
}

/** A search hit: the document and its BM25 score. */
export interface WikiHit {
  document: WikiDocument;
  score: number;
}

/** Search-R1's `/retrieve` request. */
export interface RetrieveRequest {
  queries: string[];
  topk?: number;
  return_scores?: boolean;
}

/** A document as Search-R1 returns it: `contents` is `"Title"\ntext`. */
export interface RetrievedDocument {
  id: string;
  contents: string;
}

/** Search-R1's `/retrieve` response: one list per query, with or without scores. */
export interface RetrieveResponse {
  result: Array<Array<{ document: RetrievedDocument; score: number }>> | RetrievedDocument[][];
}

/** A searchable corpus. */
export interface SearchIndex {
  /** The `topk` best hits of each query, best first. */
  search(queries: readonly string[], topk: number): WikiHit[][];
  /** Answers a Search-R1 `/retrieve` request (`topk` defaults to 3, `return_scores` to false, as Search-R1). */
  retrieve(request: RetrieveRequest): RetrieveResponse;
  readonly documents: readonly WikiDocument[];
}

/**
 * A document in Search-R1's form.
 *
 * @example
 * ```ts
 * toContents({ id: "0", title: "Velmora", text: "A town." }); // { id: "0", contents: "\"Velmora\"\nA town." }
 * ```
 */
export function toContents(document: WikiDocument): RetrievedDocument {
  return { id: document.id, contents: `"${document.title}"\n${document.text}` };
}

/**
 * Indexes `corpus` (title and text together) with BM25.
 *
 * @example
 * ```ts
 * const index = createSearchIndex([{ id: "0", title: "Velmora", text: "A town on the Osk." }]);
 * index.retrieve({ queries: ["Velmora"], topk: 1, return_scores: true }).result[0][0].document.contents;
 * ```
 */
export function createSearchIndex(corpus: readonly WikiDocument[], options: Bm25Options = {}): SearchIndex {
  corpus.forEach((document, i) => {
    if (typeof document?.id !== "string" || typeof document.title !== "string" || typeof document.text !== "string") {
      throw new Error(`createSearchIndex: document ${i} is ${JSON.stringify(document)}; give { id, title, text } strings.`);
    }
  });
  const documents = [...corpus];
  const bm25 = createBm25(documents.map((document) => `${document.title}\n${document.text}`), options);
  const search = (queries: readonly string[], topk: number): WikiHit[][] =>
    queries.map((query) => bm25.search(query, topk).map((hit) => ({ document: documents[hit.index], score: hit.score })));
  return {
    documents,
    search,
    retrieve({ queries, topk = 3, return_scores = false }) {
      if (!Array.isArray(queries) || !queries.every((query) => typeof query === "string")) {
        throw new Error(`retrieve: queries must be a list of strings, got ${JSON.stringify(queries)}.`);
      }
      const hits = search(queries, topk);
      if (!return_scores) return { result: hits.map((list) => list.map((hit) => toContents(hit.document))) };
      return { result: hits.map((list) => list.map((hit) => ({ document: toContents(hit.document), score: hit.score }))) };
    },
  };
}
