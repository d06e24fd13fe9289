/**
 * Picks the runtime's adapters, once: on Node and Deno, `node:worker_threads` (its workers can be
 * unref'd, so an idle interpreter never keeps the process alive; Deno's web `Worker` cannot) and a
 * snapshot cache on disk; elsewhere (browsers, Bun) the global `Worker` and no cache.
 */
import { runtime } from "../../core/runtime/mod.ts";
import type { SnapshotCache, WorkerHandle } from "./protocol.ts";

/** How this runtime starts workers and keeps snapshots. */
export interface RuntimeAdapters {
  spawn(url: URL): WorkerHandle;
  snapshotCache: SnapshotCache | null;
}

const nodeLike = runtime === "deno" || runtime === "node";

/** The adapters of the runtime this code runs on. */
export const runtimeAdapters: Promise<RuntimeAdapters> = nodeLike
  ? Promise.all([import("./spawn_node.ts"), import("./snapshot_cache_node.ts")])
    .then(([node, cache]) => ({ spawn: node.spawnNode, snapshotCache: cache.fileSnapshotCache() }))
  : import("./spawn_web.ts").then((web) => ({ spawn: web.spawnWeb, snapshotCache: null }));
