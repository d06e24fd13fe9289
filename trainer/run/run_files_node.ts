/**
 * Runtime adapter: `RunFiles` over `node:fs/promises`, which both Node and Deno provide.
 */
import { appendFile, mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import type { RunFiles } from "./run_files.ts";

/**
 * The local disk.
 *
 * @example await appendMetrics(nodeRunFiles(), "runs/calc", { step: 1 });
 */
export function nodeRunFiles(): RunFiles {
  return {
    mkdir: async (path) => void await mkdir(path, { recursive: true }),
    readText: (path) => readFile(path, "utf8").catch((error) => (error.code === "ENOENT" ? null : Promise.reject(error))),
    appendText: (path, text) => appendFile(path, text),
    async writeTextAtomic(path, text) {
      const temp = `${path}.tmp-${Date.now()}-${Math.random().toString(36).slice(2)}`;
      await writeFile(temp, text);
      await rename(temp, path);
    },
    entries: (path) => readdir(path).catch((error) => (error.code === "ENOENT" ? null : Promise.reject(error))),
    remove: (path) => rm(path, { recursive: true, force: true }),
  };
}
