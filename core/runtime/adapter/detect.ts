/**
 * Which JavaScript runtime this is, detected once when the module loads, by feature checks on web-standard
 * globals only (`Deno`, `Bun`, `process.versions`, `document`): the one place the library asks. Adapters
 * choose their runtime's implementation from `runtime` or `hasNodeBuiltins` and never look again.
 */

/** The runtimes the library tells apart; "web" is any other web-standard host (web workers, edge workers). */
export type RuntimeName = "deno" | "node" | "bun" | "browser" | "web";

/** The globals `detectRuntime` looks at. */
export interface RuntimeScope {
  Deno?: { version?: { deno?: unknown } };
  Bun?: unknown;
  process?: { versions?: { node?: unknown; bun?: unknown } };
  document?: unknown;
}

/**
 * The runtime whose globals `scope` holds (default: this one's).
 *
 * @example detectRuntime({ process: { versions: { node: "22.0.0" } } }); // "node"
 */
export function detectRuntime(scope: RuntimeScope = globalThis as RuntimeScope): RuntimeName {
  if (typeof scope.Deno?.version?.deno === "string") return "deno";
  if (scope.Bun !== undefined || typeof scope.process?.versions?.bun === "string") return "bun";
  if (typeof scope.process?.versions?.node === "string") return "node";
  if (typeof scope.document === "object" && scope.document !== null) return "browser";
  return "web";
}

/** This runtime, detected once. */
export const runtime: RuntimeName = detectRuntime();

/** Whether `node:` modules load here (Node, and Deno and Bun through their Node compatibility): where `*_node.ts` adapters run. */
export const hasNodeBuiltins: boolean = runtime === "deno" || runtime === "node" || runtime === "bun";
