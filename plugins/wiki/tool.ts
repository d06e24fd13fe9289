/**
 * The `wiki` tool: BM25 search over a local corpus, or over any Search-R1 `/retrieve` service, with
 * the top hits formatted as `Doc {i} (Title: {title})\n{text}`.
 */
import * as v from "valibot";
import { defineTool } from "../../core/plugin/define_tool.ts";
import type { Tool } from "../../core/types.ts";
import type { Bm25Options } from "./bm25.ts";
import { formatHits } from "./format.ts";
import { type RemoteRetriever, retrieveRemote } from "./remote.ts";
import { createSearchIndex, type SearchIndex, type WikiDocument } from "./search_index.ts";

/** Options of {@link wikiTool}: exactly one of `corpus`, `index` or `remote`. */
export interface WikiToolOptions {
  /** Documents to index locally. */
  corpus?: readonly WikiDocument[];
  /** An index built already (shared with a tool server's `/retrieve`). */
  index?: SearchIndex;
  /** A Search-R1 `/retrieve` service to ask instead. */
  remote?: RemoteRetriever;
  /** Hits returned per query (default 1: short tool outputs for small models). */
  topk?: number;
  /** BM25 parameters for `corpus`. */
  bm25?: Bm25Options;
  /** Tool name the model calls (default "wiki"). */
  name?: string;
  /** Time limit per call in milliseconds (default 10000). */
  timeoutMs?: number;
}

/** The wiki tool's arguments. */
export interface WikiArgs {
  query: string;
}

/** The wiki tool and the local index it searches (null in remote mode). */
export interface WikiTool extends Tool<WikiArgs> {
  readonly index: SearchIndex | null;
}

const parameters = v.object({
  query: v.pipe(v.string(), v.minLength(1), v.maxLength(500), v.description("What to look up, e.g. a name.")),
});

/**
 * The wiki tool.
 *
 * @example
 * ```ts
 * const wiki = wikiTool({ corpus: [{ id: "0", title: "Velmora", text: "A town on the Osk." }] });
 * (await invokeTool(wiki, { query: "Velmora" })).text; // "Doc 1 (Title: Velmora)\nA town on the Osk."
 * ```
 */
export function wikiTool(options: WikiToolOptions): WikiTool {
  const { topk = 1, name = "wiki", timeoutMs = 10_000, remote } = options;
  const sources = [options.corpus, options.index, remote].filter((source) => source !== undefined).length;
  if (sources !== 1) {
    throw new Error(`wikiTool: give exactly one of corpus, index or remote (got ${sources}).`);
  }
  if (!Number.isInteger(topk) || topk < 1) throw new Error(`wikiTool: topk ${topk} must be a positive integer.`);
  if (remote && !/^https?:\/\//.test(remote.url)) {
    throw new Error(`wikiTool: remote.url ${JSON.stringify(remote.url)} must be an http(s) URL of a /retrieve endpoint.`);
  }
  const index = options.index ?? (options.corpus ? createSearchIndex(options.corpus, options.bm25) : null);
  const tool = defineTool<WikiArgs>({
    name,
    description: "Searches an encyclopedia and returns the best matching passage.",
    parameters,
    timeoutMs,
    fromText: (query) => ({ query: query.trim() }),
    async run({ query }, { signal }) {
      const passages = index
        ? index.search([query], topk)[0].map((hit) => hit.document)
        : await retrieveRemote(remote!, query, { topk, signal });
      return passages.length === 0 ? `No results for "${query}".` : formatHits(passages);
    },
  });
  return { ...tool, index };
}
