/**
 * Node-compatible adapter (Node and Deno): keeps Pyodide memory snapshots in the user's cache folder
 * (`$XDG_CACHE_HOME/toolrl` or `~/.cache/toolrl`), so a new process starts Python in ~1 s instead of
 * ~4 s. Files are written to a temporary name and renamed, so a reader never sees half a snapshot.
 * The folder is per user on purpose: a snapshot is code, and a shared /tmp would let others plant one.
 */
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { version } from "pyodide";
import type { SnapshotCache } from "./protocol.ts";

/** File name of a key: snapshots are only valid for the Pyodide build that made them. */
const fileName = (key: string) => `pyodide-${version}-${key}`;

/** A snapshot cache in `dir` (default: the user's cache folder). */
export function fileSnapshotCache(dir?: string): SnapshotCache {
  const folder = () => dir ?? join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "toolrl");
  return {
    async load(key) {
      try {
        return new Uint8Array(await readFile(join(folder(), fileName(key))));
      } catch {
        return null;
      }
    },
    async save(key, bytes) {
      await mkdir(folder(), { recursive: true });
      const temporary = join(folder(), `${fileName(key)}.${crypto.randomUUID()}.tmp`);
      await writeFile(temporary, bytes);
      await rename(temporary, join(folder(), fileName(key)));
    },
    async remove(key) {
      await rm(join(folder(), fileName(key)), { force: true });
    },
  };
}
