// The browser adapter (module Worker on a blob URL), exercised under Deno, whose web Workers it also
// fits (Node has no web Worker). Deno keeps a process alive while a web Worker lives, so every
// kernels instance here is disposed.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { webWorkerRuntime } from "./spawn_web.ts";
import { createWasmKernels } from "./wasm_kernels.ts";

test("kernels on web Workers start them, split calls and match the single-threaded result bit for bit", async () => {
  const runtime = webWorkerRuntime();
  assert.ok(runtime);
  assert.ok(runtime.sharedMemory);
  const web = await createWasmKernels({ threads: 2, minWorkPerChunk: 0, workerRuntime: runtime });
  const single = await createWasmKernels({ threads: 1 });
  try {
    assert.is(web.threads, 2);
    const [BT, C, OC] = [37, 19, 45];
    const results = [web, single].map((kernels) => {
      const inp = kernels.alloc(BT * C), weight = kernels.alloc(OC * C), out = kernels.alloc(BT * OC);
      inp.forEach((_, i) => (inp[i] = Math.sin(i)));
      weight.forEach((_, i) => (weight[i] = Math.cos(i)));
      kernels.matmulForward(out, inp, weight, null, BT, C, OC);
      return Array.from(out);
    });
    assert.equal(results[0], results[1]);
    assert.ok(results[0].some((x) => x !== 0));
  } finally {
    web.dispose();
    single.dispose();
  }
});

test.run();
