/**
 * toolrl/plugins — the built-in plugins: calculator, python (Pyodide in a worker), wiki (BM25 or a Search-R1
 * service), sandbox (a SandboxFusion client) and http (a deployed toolrl tool server), with their tools and tasks.
 *
 * @example
 * ```ts
 * import { http, wikiTool } from "toolrl/plugins";
 * ```
 * @module
 */
export * from "./plugins/calculator/mod.ts";
export * from "./plugins/python/mod.ts";
export * from "./plugins/wiki/mod.ts";
export * from "./plugins/sandbox/mod.ts";
export * from "./plugins/http/mod.ts";
// both tasks name their held-out rule isEvalProblem: the calculator's keeps the name
export { isEvalProblem } from "./plugins/calculator/mod.ts";
export { isEvalProblem as isPythonMathEvalProblem } from "./plugins/python/mod.ts";
