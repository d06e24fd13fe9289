import { test } from "uvu";
import * as assert from "uvu/assert";
import { createCpuBackend } from "./cpu_backend.ts";

test("createCpuBackend draws float and int tensors from the given allocator", async () => {
  const handed: Float32Array[] = [];
  const freed: Float32Array[] = [];
  const backend = createCpuBackend({
    alloc: (n) => {
      const a = new Float32Array(n);
      handed.push(a);
      return a;
    },
    free: (a) => freed.push(a),
  });
  const ids = backend.alloc([2, 3], "i32");
  assert.is(ids.size, 6);
  assert.is(handed.length, 1);
  await backend.upload(ids, Int32Array.from([1, 2, 3, -4]));
  assert.equal(Array.from(await backend.download(ids, 4)), [1, 2, 3, -4]);
  assert.is(new Int32Array(handed[0].buffer)[3], -4);
  backend.free(ids);
  assert.equal(freed, [handed[0]]);
});

test("download returns a copy and upload refuses data larger than the tensor", async () => {
  const backend = createCpuBackend();
  const t = backend.alloc([3]);
  await backend.upload(t, Float32Array.from([1, 2, 3]));
  const copy = await backend.download(t);
  copy[0] = 9;
  assert.equal(Array.from(await backend.download(t)), [1, 2, 3]);
  assert.throws(() => backend.upload(t, new Float32Array(4)), /4 values do not fit a tensor of 3/);
  assert.throws(() => backend.alloc([2, -1]), /must be non-negative integers/);
});

test.run();
