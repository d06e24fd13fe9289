/**
 * Test data from disk (Node and Deno, through `node:fs`): the fixtures beside these tests, the docs, and the real
 * ToolAlpaca evaluation files vendored in `fixtures/toolalpaca/` (Apache-2.0; where they came from is in its README).
 */
import { readFile } from "node:fs/promises";

const fixtures = new URL("../fixtures/", import.meta.url);
const toolAlpaca = new URL("../fixtures/toolalpaca/", import.meta.url);

/** The text of `core/datasets/fixtures/<name>`. */
export function fixtureText(name: string): Promise<string> {
  return readFile(new URL(name, fixtures), "utf8");
}

/** The text of `docs/<name>`. */
export function docsText(name: string): Promise<string> {
  return readFile(new URL(`../../../docs/${name}`, import.meta.url), "utf8");
}

/** A ToolAlpaca file (`eval_simulated.json`, `eval_real.json`), parsed. */
export async function toolAlpacaFile(name: string): Promise<unknown[]> {
  return JSON.parse(await readFile(new URL(name, toolAlpaca), "utf8"));
}
