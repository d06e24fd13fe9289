/** The interface of the file operations checkpoint IO needs (fs.ts picks the runtime adapter, fs_node.ts implements it). */

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
