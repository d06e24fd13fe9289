// createWasmKernels: options, the non-shared fallback, argument errors and the workers' lifetime.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createWasmKernels, relaxedSimdAvailable } from "./wasm_kernels.ts";
import { runtime } from "../../../core/runtime/mod.ts";

test("without shared memory the kernels run on one thread over a plain ArrayBuffer", async () => {
  const kernels = await createWasmKernels({ sharedMemory: false, threads: 2, initialMb: 2 });
  try {
    assert.is(kernels.shared, false);
    assert.is(kernels.threads, 1);
    assert.ok(kernels.memory.buffer instanceof ArrayBuffer);
    const inp = kernels.alloc(6).fill(1), weight = kernels.alloc(9), bias = kernels.alloc(3);
    weight.set([1, 2, 3, 4, 5, 6, 7, 8, 9]); // (OC 3, C 3)
    bias.set([0.5, 0, -1]);
    const out = kernels.alloc(6); // (BT 2, OC 3)
    kernels.matmulForward(out, inp, weight, bias, 2, 3, 3);
    assert.equal(Array.from(out), [6.5, 15, 23, 6.5, 15, 23]);
    assert.throws(() => kernels.alloc(1 << 20), /initialMb/);
  } finally {
    kernels.dispose();
  }
});

test("a shared memory grows while earlier arrays keep their values and stay usable", async () => {
  const kernels = await createWasmKernels({ threads: 2, initialMb: 1, minWorkPerChunk: 0 });
  try {
    const inp = kernels.alloc(8 * 4).fill(1), weight = kernels.alloc(8 * 4).fill(2);
    const before = kernels.memory.buffer.byteLength;
    kernels.alloc(2 ** 20); // 4 MiB: grows the memory
    assert.ok(kernels.memory.buffer.byteLength > before);
    const out = kernels.alloc(8 * 8);
    kernels.matmulForward(out, inp, weight, null, 8, 4, 8);
    assert.ok(out.every((x) => x === 8));
  } finally {
    kernels.dispose();
  }
});

test("bad arguments are refused with the offending value", async () => {
  const kernels = await createWasmKernels({ threads: 1 });
  try {
    const a = kernels.alloc(16), b = kernels.alloc(16), c = kernels.alloc(16);
    assert.throws(() => kernels.matmulForward(a, new Float32Array(16), b, null, 4, 4, 4), /matmulForward: inp is not a view into the kernels' WebAssembly memory/);
    assert.throws(() => kernels.matmulForward(a, b, c, null, 4, 5, 4), /matmulForward: inp has 16 elements, fewer than the 20/);
    assert.throws(() => kernels.matmulBackward(a, b, null, c, a, b, -1, 4, 4), /BT = -1 must be a non-negative integer/);
    const lengths = kernels.allocInt32(1);
    assert.throws(() => kernels.attentionForward(a, b, c, a, b, lengths, 1, 2, 3, 2, 2), /NH = 3 must be a multiple of NKV = 2/);
    let message = "";
    await createWasmKernels({ threads: 0 }).catch((error) => (message = error.message));
    assert.match(message, /threads = 0 must be an integer from 1 to 255/);
  } finally {
    kernels.dispose();
  }
});

test("the relaxed-SIMD build is taken by default on Node and Deno, and only when asked for otherwise", async () => {
  // Node 20 runs it after relaxed_simd_node.ts sets V8's flag; Node 22+ and Deno run it as they are.
  assert.is(await relaxedSimdAvailable(), true);
  const auto = await createWasmKernels({ threads: 1 });
  const plain = await createWasmKernels({ threads: 1, relaxedSimd: false });
  try {
    assert.is(auto.relaxedSimd, true);
    assert.is(plain.relaxedSimd, false);
    // Both builds compute the same product: halves of small integers are exact, fused or not.
    for (const kernels of [auto, plain]) {
      const inp = kernels.alloc(8).fill(0.5), weight = kernels.alloc(8 * 8), out = kernels.alloc(8);
      for (let i = 0; i < weight.length; i++) weight[i] = (i % 8) - 3;
      kernels.matmulForward(out, inp, weight, null, 1, 8, 8);
      assert.equal(Array.from(out), Array.from({ length: 8 }, () => 0.5 * (0 + 1 + 2 + 3 + 4 + 5 + 6 + 7 - 24)));
    }
  } finally {
    auto.dispose();
    plain.dispose();
  }
});

test("the micro-kernel is timed once per build and both kinds compute bit-identical products", async () => {
  const first = await createWasmKernels({ threads: 1 });
  const again = await createWasmKernels({ threads: 2 });
  const kinds = [await createWasmKernels({ threads: 2, microKernel: "load", minWorkPerChunk: 0 }), await createWasmKernels({ threads: 2, microKernel: "shuffle", minWorkPerChunk: 0 })];
  try {
    assert.ok(first.microKernel === "load" || first.microKernel === "shuffle");
    assert.is(again.microKernel, first.microKernel);
    assert.equal(kinds.map((k) => k.microKernel), ["load", "shuffle"]);
    // Same multiply-adds in the same order, only the broadcast differs: equal to the last bit.
    const BT = 37, C = 70, OC = 45;
    const results = kinds.map((kernels) => {
      const fill = (n: number, seed: number) => {
        const a = kernels.alloc(n);
        for (let i = 0; i < n; i++) a[i] = Math.sin(i * 1.7 + seed);
        return a;
      };
      const inp = fill(BT * C, 1), weight = fill(OC * C, 2), bias = fill(OC, 3), dout = fill(BT * OC, 4);
      const out = kernels.alloc(BT * OC), dinp = kernels.alloc(BT * C), dweight = kernels.alloc(OC * C), dbias = kernels.alloc(OC);
      kernels.matmulForward(out, inp, weight, bias, BT, C, OC);
      kernels.matmulBackward(dinp, dweight, dbias, dout, inp, weight, BT, C, OC);
      return [out, dinp, dweight].map((a) => Array.from(a));
    });
    assert.ok(results[0][0].some((x) => x !== 0));
    assert.equal(results[0], results[1]);
    let message = "";
    // deno-lint-ignore no-explicit-any
    await createWasmKernels({ microKernel: "fast" as any }).catch((error) => (message = error.message));
    assert.match(message, /microKernel = "fast" must be "load" or "shuffle"/);
  } finally {
    for (const k of [first, again, ...kinds]) k.dispose();
  }
});

test("dispose() stops the kernels: later calls say so", async () => {
  const kernels = await createWasmKernels({ threads: 2 });
  const a = kernels.alloc(4);
  kernels.dispose();
  assert.throws(() => kernels.matmulForward(a, a, a, null, 1, 2, 2), /used after dispose\(\)/);
});

test("worker threads do not keep the process alive when dispose() is forgotten", () => {
  const fixture = fileURLToPath(new URL("./fixtures/forgotten_dispose.ts", import.meta.url));
  const args = runtime === "deno" ? ["run", "-A", "--no-lock", fixture] : ["--import", "tsx", fixture];
  const child = spawnSync(process.execPath, args, { encoding: "utf8", timeout: 30_000 });
  if (child.status !== 0) console.log(child.stdout, child.stderr, child.error);
  assert.is(child.status, 0); // a hang would end in the time-out's SIGTERM, status null
  assert.match(child.stdout, /threads 2, out\[last\] 4/);
});

test.run();
