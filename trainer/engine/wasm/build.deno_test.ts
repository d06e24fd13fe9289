// The committed kernels_wasm.ts is exactly what `npm run build:wasm` makes from src/*.as now, so the
// binary that runs cannot drift from the source that is read. Also: the module bytes instantiate.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { buildKernelsSource } from "./build.mjs";
import * as modules from "./kernels_wasm.ts";

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

const bytesOf = (base64: string) => Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));

/** Occurrences of the f32x4.relaxed_madd instruction (prefix 0xfd, opcode 0x105 as LEB128: 0x85 0x02). */
function relaxedMadds(bytes: Uint8Array): number {
  let n = 0;
  for (let i = 0; i + 2 < bytes.length; i++) if (bytes[i] === 0xfd && bytes[i + 1] === 0x85 && bytes[i + 2] === 0x02) n++;
  return n;
}

test("the relaxed-SIMD modules multiply-add with relaxed_madd; the plain ones never use it", () => {
  for (const base64 of [modules.relaxedSharedMemoryModule, modules.relaxedPrivateMemoryModule]) {
    assert.ok(relaxedMadds(bytesOf(base64)) >= 8, "the micro-kernel's eight multiply-adds at least");
  }
  for (const base64 of [modules.sharedMemoryModule, modules.privateMemoryModule]) {
    assert.is(relaxedMadds(bytesOf(base64)), 0);
    assert.ok(WebAssembly.validate(bytesOf(base64)));
  }
});

test("every committed module compiles and exports run() and the op codes", async () => {
  const all = Object.values(modules);
  assert.is(all.length, 4);
  for (const base64 of all) {
    const bytes = bytesOf(base64);
    const module = await WebAssembly.compile(bytes);
    const names = WebAssembly.Module.exports(module).map((e) => e.name);
    for (const name of ["run", "scratchBytes", "OP_MATMUL_FORWARD", "OP_ATTENTION_BACKWARD"]) assert.ok(names.includes(name), name);
    assert.equal(WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name}`), ["env.memory"]);
  }
});

test.run();
