// The README's library example, verbatim, in this checkout right after `npm ci` (whose `prepare` script builds
// dist/): under Node as written (`import ... from "toolrl"`), and under Deno both as written and with the JSR
// name its comment gives. Node only: it drives node and deno as child processes.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { access, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import process from "node:process";
import { root, runChild as run } from "./testing/child.ts";

const deno = join(root, "node_modules", ".bin", "deno");

/** The first ```ts block of the README's "Install and use as a library" section. */
async function readmeExample(): Promise<string> {
  const readme = await readFile(join(root, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Install and use as a library"));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error("README.md has no ```ts block under \"## Install and use as a library\"");
  return match[1];
}

test("the README example runs verbatim under Node and Deno in a checkout after npm ci", async () => {
  await access(join(root, "dist", "mod.js")).catch(() => {
    throw new Error("dist/mod.js is missing: `npm ci` runs the prepare script that builds it (npm run build)");
  });
  const code = await readmeExample();
  assert.match(code, 'from "toolrl"');
  const dir = join(root, ".tmp", `readme-${process.pid}`);
  await mkdir(dir, { recursive: true });
  try {
    await writeFile(join(dir, "example.mjs"), code);
    await writeFile(join(dir, "example_jsr.ts"), code.replace('from "toolrl"', 'from "@toolrl/toolrl"'));
    const runs = [
      await run(process.execPath, [join(dir, "example.mjs")]),
      await run(deno, ["run", "-A", "--no-lock", join(dir, "example.mjs")]),
      await run(deno, ["run", "-A", "--no-lock", join(dir, "example_jsr.ts")]),
    ];
    for (const { code: exit, out } of runs) {
      assert.is(exit, 0, out);
      assert.is(out.match(/Reward: 1 {2}Status: done/g)?.length, 4, out);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
