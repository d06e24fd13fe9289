/**
 * The wiki plugin: the `wiki` tool (BM25 over a local corpus, or any Search-R1 `/retrieve` service),
 * the index behind it (which also answers `/retrieve`), a generated knowledge base and the wiki task.
 * @module
 */
import { definePlugin } from "../../core/plugin/define_plugin.ts";
import type { Plugin } from "../../core/types.ts";
import type { WikiDocument } from "./search_index.ts";
import { wikiTask, type WikiTaskOptions } from "./task.ts";
import { wikiTool } from "./tool.ts";

export * from "./bm25.ts";
export * from "./format.ts";
export * from "./kb.ts";
export * from "./remote.ts";
export * from "./search_index.ts";
export * from "./task.ts";
export * from "./tool.ts";

/** Options of {@link wiki}: the task's, or a `corpus` of your own (then the plugin has the tool only). */
export interface WikiPluginOptions extends WikiTaskOptions {
  corpus?: readonly WikiDocument[];
}

/**
 * The wiki plugin. Its tool's `index` (null in remote mode) can serve Search-R1 `/retrieve`.
 *
 * @example
 * ```ts
 * const plugin = wiki();                                     // the wiki task over its generated towns
 * const remote = wiki({ remote: { url: "http://127.0.0.1:8000/retrieve" } });
 * const mine = wiki({ corpus: [{ id: "0", title: "Velmora", text: "A town." }] });
 * ```
 */
export function wiki(options: WikiPluginOptions = {}): Plugin {
  const { corpus, ...taskOptions } = options;
  if (corpus) {
    if (taskOptions.remote) throw new Error("wiki: give a corpus or a remote service, not both.");
    return definePlugin({ name: "wiki", tools: [wikiTool({ corpus, topk: taskOptions.topk })] });
  }
  const task = wikiTask(taskOptions);
  return definePlugin({ name: "wiki", tools: task.tools, verifiers: [task.verifier], tasks: [task] });
}
