/**
 * The file operations checkpoint IO needs, as an interface: the runtime adapter (`fs_node.ts`, which
 * serves Node and Deno through `node:fs/promises`) implements it, and tests wrap it to inject failures.
 * The interface sits in types.ts, so the adapter does not import this file back.
 */
import type { FileSystem } from "./types.ts";

export type { FileSystem };

/** `dir/name` without doubled separators. */
export function joinPath(dir: string, name: string): string {
  return `${dir.replace(/[\\/]+$/, "")}/${name}`;
}

/** The folder holding `path` (`"."` for a bare name). */
export function parentPath(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, "");
  const cut = Math.max(trimmed.lastIndexOf("/"), trimmed.lastIndexOf("\\"));
  return cut < 0 ? "." : cut === 0 ? "/" : trimmed.slice(0, cut);
}

/**
 * The runtime's disk (`node:fs/promises`, on Node and Deno), imported only when first needed so that
 * modules using `FileSystem` stay loadable where there is no disk (browsers pass their own).
 */
export async function defaultFileSystem(): Promise<FileSystem> {
  const { nodeFileSystem } = await import("./fs_node.ts");
  return nodeFileSystem();
}
