/**
 * The memory snapshot new workers start from, shared by every runner of this process and, through a
 * `SnapshotCache`, by later processes. A snapshot is taken right after Pyodide loads and imports a few
 * common modules (`WARM_UP`), before our defences run, so every worker applies them to the same image.
 */
import type { SnapshotCache } from "./protocol.ts";

/**
 * Cache key: a snapshot only fits this loading procedure (v2) and the Pyodide build that made it; the
 * cache adds the Pyodide version itself, so this module never imports Pyodide (which would pull its
 * Node code into browser bundles).
 */
export const SNAPSHOT_KEY = "v2.snapshot";

let current: Uint8Array | null = null;
let fromCache = false;
let looked = false;

/** The snapshot to start a worker from (looked up in `cache` once per process), or null for a cold start. */
export async function currentSnapshot(cache: SnapshotCache | null): Promise<{ bytes: Uint8Array | null; fromCache: boolean }> {
  if (!current && cache && !looked) {
    looked = true;
    current = await cache.load(SNAPSHOT_KEY);
    fromCache = current !== null;
  }
  return { bytes: current, fromCache };
}

/** Keeps the snapshot a cold-started worker made, and writes it to `cache` in the background. */
export function keepSnapshot(bytes: Uint8Array, cache: SnapshotCache | null): void {
  current = bytes;
  fromCache = false;
  cache?.save(SNAPSHOT_KEY, bytes).catch(() => {}); // a read-only or full disk only costs later processes a cold start
}

/** Forgets a cached snapshot that failed to start a worker, here and in `cache`. */
export async function discardSnapshot(cache: SnapshotCache | null): Promise<void> {
  current = null;
  fromCache = false;
  await cache?.remove(SNAPSHOT_KEY).catch(() => {});
}
