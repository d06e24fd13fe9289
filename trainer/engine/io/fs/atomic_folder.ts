/**
 * Writing a whole folder so that a crash never leaves it half written. Every file goes into the sibling
 * folder `<dir>.partial` and is fsynced; then `<dir>` (if any) is renamed to `<dir>.previous`,
 * `<dir>.partial` is renamed to `<dir>`, the parent folder is fsynced and `<dir>.previous` is removed.
 * Before the first rename the old `<dir>` is untouched; between the two renames it is `<dir>.previous`,
 * which readers fall back to (see `loadCheckpoint`).
 */
import { type FileSystem, joinPath, parentPath } from "./fs.ts";

/** Where the staging and the displaced folders of an atomic write live. */
export function stagingPaths(dir: string): { partial: string; previous: string } {
  const base = dir.replace(/[\\/]+$/, "");
  return { partial: `${base}.partial`, previous: `${base}.previous` };
}

/**
 * Replaces the folder `dir` by one holding `files` (relative paths, `/`-separated, subfolders created).
 *
 * @example
 * ```ts
 * await writeFolderAtomically(fs, "runs/calc/checkpoint", new Map([["config.json", "{}"]]));
 * ```
 */
export async function writeFolderAtomically(fs: FileSystem, dir: string, files: Map<string, Uint8Array | string>): Promise<void> {
  const { partial, previous } = stagingPaths(dir);
  const parent = parentPath(dir);
  await fs.mkdir(parent);
  await fs.remove(partial); // left by a write that crashed
  try {
    await fs.mkdir(partial);
    for (const [name, data] of files) {
      const path = joinPath(partial, name);
      if (name.includes("/")) await fs.mkdir(parentPath(path));
      await fs.writeFile(path, data);
    }
    await fs.syncDir(partial);
  } catch (error) {
    await fs.remove(partial).catch(() => {});
    throw error;
  }
  const hadOld = await fs.exists(dir);
  if (hadOld) {
    await fs.remove(previous);
    await fs.rename(dir, previous);
  }
  try {
    await fs.rename(partial, dir);
  } catch (error) {
    if (hadOld) await fs.rename(previous, dir).catch(() => {});
    throw error;
  }
  await fs.syncDir(parent);
  await fs.remove(previous);
}

/**
 * Writes `files` into the folder `dir` one by one, each through a `.partial` sibling and a rename, leaving every
 * other file in `dir` alone (what an export into a user's folder, or into `.`, needs: the folder itself is never
 * renamed). A crash leaves each file either old or new, never half written.
 *
 * @example
 * ```ts
 * await writeFilesInPlace(fs, "exports/calc", new Map([["config.json", "{}"]]));
 * ```
 */
export async function writeFilesInPlace(fs: FileSystem, dir: string, files: Map<string, Uint8Array | string>): Promise<void> {
  await fs.mkdir(dir);
  for (const [name, data] of files) {
    const path = joinPath(dir, name);
    if (name.includes("/")) await fs.mkdir(parentPath(path));
    const partial = `${path}.partial`;
    try {
      await fs.writeFile(partial, data);
      await fs.rename(partial, path);
    } catch (error) {
      await fs.remove(partial).catch(() => {});
      throw error;
    }
  }
  await fs.syncDir(dir);
}
