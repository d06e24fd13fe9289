/**
 * Runtime adapter: `FileSystem` over `node:fs/promises`, which both Node and Deno provide.
 */
import { mkdir, open, readFile, rename, rm, stat } from "node:fs/promises";
import { resolve } from "node:path";
import type { FileSystem } from "./types.ts";

/**
 * The local disk, with fsync on every written file and on folders where the platform allows it.
 *
 * @example
 * ```ts
 * await saveCheckpoint("runs/x/checkpoint", parts, { fs: nodeFileSystem() });
 * ```
 */
export function nodeFileSystem(): FileSystem {
  return {
    readFile: async (path) => new Uint8Array(await readFile(path)),
    async writeFile(path, data) {
      const handle = await open(path, "w");
      try {
        await handle.writeFile(data);
        await handle.sync();
      } finally {
        await handle.close();
      }
    },
    mkdir: async (path) => void await mkdir(path, { recursive: true }),
    rename: (from, to) => rename(from, to),
    remove: (path) => rm(path, { recursive: true, force: true }),
    exists: (path) => stat(path).then(() => true, () => false),
    async syncDir(path) {
      try {
        const handle = await open(path, "r");
        try {
          await handle.sync();
        } finally {
          await handle.close();
        }
      } catch {
        // Windows and some file systems cannot open or fsync a folder; the renames are still atomic.
      }
    },
    absolute: (path) => resolve(path),
  };
}
