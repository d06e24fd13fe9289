/**
 * The runtime check: `runtime` ("deno" | "node" | "bun" | "browser" | "web"), detected once, and
 * `hasNodeBuiltins` (whether `node:` modules load). The only module that looks at runtime globals to decide.
 * Also `nextMacrotask()`, one turn of the event loop by the cheapest means the runtime has.
 * @module
 */
export * from "./adapter/detect.ts";
export { messageTask, nextMacrotask } from "./adapter/macrotask.ts";
