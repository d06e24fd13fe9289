// The device bundle (.device/toolrl_device.js) must run where there is no node_modules: it imports only
// node:* built-ins, and Deno runs it from a folder outside the repository to print `toolrl logits`.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { charTokenizer } from "../../core/tokenizer/mod.ts";
import { saveCheckpoint } from "../../trainer/engine/io/checkpoint/save_checkpoint.ts";
import { tinyConfig } from "../../trainer/engine/model/config.ts";
import { createModel } from "../../trainer/engine/model/model.ts";
import { bundleDevice } from "./bundle.mjs";

const deno = new URL("../../node_modules/deno/deno", import.meta.url).pathname;

test("the device bundle imports only node: built-ins and runs toolrl logits under Deno outside the repository", async () => {
  const { code, imports } = (await bundleDevice()) as { code: string; imports: string[] };
  assert.ok(imports.length > 0 && imports.every((name) => name.startsWith("node:")), `imports: ${imports.join(", ")}`);
  const dir = await mkdtemp(join(tmpdir(), "toolrl-device-bundle-"));
  try {
    await writeFile(join(dir, "toolrl_device.js"), code);
    const tokenizer = charTokenizer();
    const config = { ...tinyConfig(tokenizer.vocabSize), nLayer: 1 };
    const model = await createModel(config, { tokenizer, seed: 2 });
    await saveCheckpoint(join(dir, "ckpt"), { config, weights: await model.stateDict(), tokenizer });
    const run = (args: string[]) =>
      promisify(execFile)(deno, ["run", "-A", "--no-lock", "--no-config", "toolrl_device.js", ...args], { cwd: dir })
        .then(({ stdout }) => ({ code: 0, stdout, stderr: "" }), (error) => ({ code: error.code as number, stdout: "", stderr: String(error.stderr) }));
    const out = await run(["logits", "ckpt", "--tokens", "5,80,7"]);
    assert.is(out.code, 0, out.stderr);
    const json = JSON.parse(out.stdout) as { tokens: number[]; logits: number[][]; backend: string };
    assert.equal(json.tokens, [5, 80, 7]);
    assert.is(json.backend, "cpu");
    assert.equal(json.logits.flat(), Array.from(await model.logits({ tokens: Int32Array.of(5, 80, 7), B: 1, T: 3 })));
    const unknown = await run(["bogus"]);
    assert.is(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "bogus"; give adapter, logits or train-step/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
