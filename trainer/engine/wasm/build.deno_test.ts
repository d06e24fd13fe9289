// The committed kernels_wasm.ts is exactly what `npm run build:wasm` makes from src/*.as now, so the
// binary that runs cannot drift from the source that is read. Also: the module bytes instantiate.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { buildKernelsSource } from "./build.mjs";
import { privateMemoryModule, sharedMemoryModule } from "./kernels_wasm.ts";

const committedUrl = new URL("./kernels_wasm.ts", import.meta.url);

test("kernels_wasm.ts equals a fresh build of src/*.as (run `npm run build:wasm` after changing them)", async () => {
  const fresh: string = await buildKernelsSource();
  const committed = await (await import("node:fs/promises")).readFile(committedUrl, "utf8");
  if (fresh !== committed) {
    const at = [...fresh].findIndex((ch, i) => ch !== committed[i]);
    console.log(`first difference at character ${at}: ${JSON.stringify(fresh.slice(at, at + 60))}`);
  }
  assert.ok(fresh === committed);
});

test("both committed modules compile and export run() and the op codes", async () => {
  for (const base64 of [sharedMemoryModule, privateMemoryModule]) {
    const bytes = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
    const module = await WebAssembly.compile(bytes);
    const names = WebAssembly.Module.exports(module).map((e) => e.name);
    for (const name of ["run", "scratchBytes", "OP_MATMUL_FORWARD", "OP_ATTENTION_BACKWARD"]) assert.ok(names.includes(name), name);
    assert.equal(WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name}`), ["env.memory"]);
  }
});

test.run();
