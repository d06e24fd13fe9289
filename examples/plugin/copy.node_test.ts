// The guide says to copy plugin_test.ts: a copy of the example's folder, run from another working directory with no
// docs/ beside it, must pass on its own.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

test("plugin_test.ts passes in a copy of examples/plugin/, run from elsewhere, and reads no file (no docs check)", async () => {
  const source = await readFile(join(root, "examples", "plugin", "plugin_test.ts"), "utf8");
  assert.not.match(source, /node:fs|readFile|Deno\./, "the copyable test reads no files; repository checks go in guide_test.ts");
  // Two levels under the root so the copy's "../../mod.ts" still finds the library, as "toolrl" would in a project.
  await mkdir(join(root, ".tmp"), { recursive: true });
  const copy = await mkdtemp(join(root, ".tmp", "plugin-copy-"));
  const elsewhere = await mkdtemp(join(tmpdir(), "toolrl-cwd-"));
  try {
    for (const file of ["mod.ts", "unit_convert.ts", "verifier.ts", "task.ts", "plugin_test.ts"]) {
      await cp(join(root, "examples", "plugin", file), join(copy, file));
    }
    const run = spawnSync(process.execPath, ["--import", import.meta.resolve("tsx"), join(copy, "plugin_test.ts")], {
      cwd: elsewhere,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
    });
    assert.is(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /Passed:\s+4/);
  } finally {
    await rm(copy, { recursive: true, force: true });
    await rm(elsewhere, { recursive: true, force: true });
  }
});

test.run();
