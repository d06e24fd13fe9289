/**
 * Search-R1's `POST /retrieve` on top of the wiki tool's index, so that verl's and MindSpeed-RL's search
 * tools (and toolrl's own `wiki` tool in remote mode) can point their `retrieval_service_url` here.
 */
import * as v from "valibot";
import type { Hono } from "hono";
import { nextMacrotask } from "../core/runtime/mod.ts";
import type { Tool } from "../core/types.ts";
import type { SearchIndex } from "../plugins/wiki/search_index.ts";
import { busyError, jsonError, readBody } from "./errors.ts";
import type { ToolRunner } from "./runner.ts";

/** A Search-R1 `/retrieve` request after defaults. */
export interface RetrieveRequest {
  queries: string[];
  topk: number;
  return_scores: boolean;
}

/** Queries one `/retrieve` request may carry (verl sends one per call; 1,024 x topk 100 was 17 MB of answer). */
export const MAX_QUERIES = 128;
/** Hits per query one request may ask for. */
export const MAX_TOPK = 20;

/** Search-R1's request; `topk` defaults to 3 and `return_scores` to false, as its retrieval server. */
export const RetrieveBody: v.GenericSchema<unknown, RetrieveRequest> = v.object({
  queries: v.pipe(v.array(v.pipe(v.string(), v.maxLength(2000))), v.minLength(1), v.maxLength(MAX_QUERIES)),
  topk: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_TOPK)), 3),
  return_scores: v.optional(v.boolean(), false),
});

/** What `/retrieve` needs: an index answering Search-R1 requests, as the `wiki` tool's `index` does. */
export type Retriever = Pick<SearchIndex, "retrieve">;

/** The first served tool with a local index that answers Search-R1 requests (the `wiki` tool has one), or null. */
export function findRetriever(tools: Iterable<Tool>): { tool: Tool; index: Retriever } | null {
  for (const tool of tools) {
    const index = (tool as { index?: Partial<Retriever> | null }).index;
    if (typeof index?.retrieve === "function") return { tool, index: index as Retriever };
  }
  return null;
}

/**
 * Adds `POST /retrieve`.
 *
 * @example
 * ```ts
 * mountRetrieve(app, runner); // answers through the wiki tool's index
 * ```
 */
export function mountRetrieve(app: Hono, runner: ToolRunner): void {
  const found = findRetriever(runner.tools.values());
  app.post("/retrieve", async (c) => {
    const body = await readBody(c, RetrieveBody);
    if (!body.ok) return body.response;
    if (!found) {
      const message = "this server has no search index; serve the wiki plugin with a local corpus (--plugins wiki)";
      return jsonError(c, 404, "unknown_tool", message);
    }
    // one query at a time, yielding in between, so a large request never stalls the other routes
    const result = await runner.guard(found.tool.name, async () => {
      const answers: unknown[] = [];
      for (const query of body.value.queries) {
        answers.push(found.index.retrieve({ ...body.value, queries: [query] }).result[0]);
        await nextMacrotask(); // setTimeout(0) waited ~1 ms (Node) to ~2 ms (Deno) per query
      }
      return { result: answers };
    });
    if (result.kind === "busy") return busyError(c, result.reason);
    return c.json(result.value);
  });
}
