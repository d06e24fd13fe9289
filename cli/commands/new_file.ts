/**
 * Writes a file a command was asked to produce, never replacing a user's existing file unless told to:
 * without `overwrite` the file is created exclusively (`wx`), so an existing one is refused by the operating
 * system itself rather than by a check that another process could race.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

/**
 * Writes `data` to `path`, creating its folder when missing; throws an error naming the path and the flag when it
 * exists and `overwrite` is false.
 *
 * @example await writeNewFile("episodes.jsonl", text, { overwrite: false, flag: "--overwrite" });
 */
export async function writeNewFile(
  path: string,
  data: string | Uint8Array,
  options: { overwrite: boolean; flag?: string },
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  try {
    await writeFile(path, data, { flag: options.overwrite ? "w" : "wx" });
  } catch (error) {
    if ((error as { code?: string }).code === "EEXIST") {
      throw new Error(`${path} exists; pass ${options.flag ?? "--overwrite"} to replace it (nothing was written)`);
    }
    throw error;
  }
}
