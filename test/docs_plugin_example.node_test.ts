// docs/plugins.md's first example, verbatim: a tool written from scratch and a file that tries it, run as a user's files
// under Node and Deno (they import "toolrl", as a project of its own would). Node only: it drives node and deno as child processes.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import process from "node:process";
import { root, runChild as run } from "./testing/child.ts";



test("the guide's first tool runs as written, prints nothing when loaded, and loads as a plugin", async () => {
  const guide = await readFile(join(root, "docs", "plugins.md"), "utf8");
  const section = guide.slice(guide.indexOf("## A first tool in ten lines"), guide.indexOf("## 1. A tool"));
  const [plugin, tryIt] = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
  const dir = join(root, ".tmp", `guide-${process.pid}`);
  await mkdir(dir, { recursive: true });
  try {
    await writeFile(join(dir, "word_count.ts"), plugin);
    await writeFile(join(dir, "try_word_count.ts"), tryIt);
    const quiet = await run(process.execPath, ["--import", "tsx", join(dir, "word_count.ts")]);
    assert.equal([quiet.code, quiet.out], [0, ""], "the plugin module prints nothing when it is loaded");
    const node = await run(process.execPath, ["--import", "tsx", join(dir, "try_word_count.ts")]);
    assert.is(node.code, 0, node.out);
    assert.is(node.out.trim(), "6");
    const deno = await run(join(root, "node_modules", ".bin", "deno"), ["run", "-A", "--no-lock", join(dir, "try_word_count.ts")]);
    assert.is(deno.code, 0, deno.out);
    assert.match(deno.out, /^6\s*$/m);
    const { loadPlugin } = await import("../plugins/builtins.ts");
    const loaded = await loadPlugin(join(dir, "word_count.ts"));
    assert.equal(loaded.tools.map((t) => t.name), ["word_count"]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
