/**
 * Test helper: a fresh folder under the system's temporary directory, removed by the returned `cleanup`.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Creates an empty temporary folder for one test. */
export async function tempDir(): Promise<{ path: string; cleanup(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), "toolrl-io-"));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}
