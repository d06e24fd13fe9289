// The repository stands alone: no source, test or config file reads from outside it (a clone in a folder with
// nothing beside it has no sibling "shared" folder). Node only: it walks the tree with node:fs.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const skip = new Set(["node_modules", ".git", "dist", "runs", ".tmp"]);

async function* files(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (skip.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (/\.(ts|mjs|js|json)$/.test(entry.name)) yield path;
  }
}

test("no file of the repository refers to a shared folder beside it", async () => {
  const outside: string[] = [];
  const pattern = new RegExp(["\\.\\./(\\.\\./)*", "shared/", "|", "shared", "/data"].join(""));
  for await (const path of files(root)) {
    const text = await readFile(path, "utf8");
    if (pattern.test(text)) outside.push(relative(root, path));
  }
  assert.equal(outside, [], `these read outside the repository: ${outside.join(", ")}`);
});

test.run();
