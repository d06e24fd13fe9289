/**
 * The file operations checkpoint IO needs, as an interface: the runtime adapter (`fs_node.ts`, which
 * serves Node and Deno through `node:fs/promises`) implements it, and tests wrap it to inject failures.
 */

/** Files and folders by path; every method rejects with the runtime's error (`code` ENOENT etc.). */
export interface FileSystem {
  readFile(path: string): Promise<Uint8Array>;
  /** Writes the whole file and flushes it to the disk (fsync) before resolving. */
  writeFile(path: string, data: Uint8Array | string): Promise<void>;
  /** Creates a folder and its parents; no error if it exists. */
  mkdir(path: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** Removes a file or a folder tree; no error if it is absent. */
  remove(path: string): Promise<void>;
  exists(path: string): Promise<boolean>;
  /** Flushes a folder's entries (new names, renames) to the disk where the platform allows; never fails. */
  syncDir(path: string): Promise<void>;
  /** The absolute form of a path. */
  absolute(path: string): string;
}

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
