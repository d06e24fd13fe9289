/**
 * The runtime check: `runtime` ("deno" | "node" | "bun" | "browser" | "web"), detected once, and
 * `hasNodeBuiltins` (whether `node:` modules load). The only module that looks at runtime globals to decide.
 * @module
 */
export * from "./adapter/detect.ts";
