// The repository's own checks of the example (not for copying): docs/plugins.md shows each of its files whole.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFile } from "node:fs/promises";

test("docs/plugins.md shows each file of the example whole, as it is", async () => {
  const guide = await readFile(new URL("../../docs/plugins.md", import.meta.url), "utf8");
  for (const file of ["unit_convert.ts", "verifier.ts", "task.ts", "mod.ts"]) {
    const source = await readFile(new URL(`./${file}`, import.meta.url), "utf8");
    assert.ok(guide.includes("```ts\n" + source + "```"), `docs/plugins.md must show examples/plugin/${file} in full; copy the file into its code block`);
  }
});

test.run();
