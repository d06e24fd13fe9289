/**
 * `serve()` for whichever runtime this is (Deno or Node), detected once when this module loads.
 * Workers and Bun need no `serve()`: they take the app as a module default export (see `workers/`).
 *
 * @example
 * ```ts
 * const server = await serve({ app: createToolServer({ plugins }), port: 0 });
 * await fetch(`${server.url}/health`);
 * await server.close();
 * ```
 */
import { runtime } from "../../core/runtime/mod.ts";
import type { ServeOptions, ServerHandle } from "./types.ts";

const isDeno = runtime === "deno";

/** The name of the detected runtime. */
export const runtimeName: "deno" | "node" = isDeno ? "deno" : "node";

/** Listens with the detected runtime's adapter. */
export async function serve(options: ServeOptions): Promise<ServerHandle> {
  const adapter = isDeno ? await import("./deno/mod.ts") : await import("./node/mod.ts");
  return adapter.serve(options);
}
