import { test } from "uvu";
import * as assert from "uvu/assert";
import { requestDevice } from "./device.ts";
import { createRuntime } from "./runtime.ts";
import { createWebGpuBackend } from "./webgpu_backend.ts";

async function rejects(promise: Promise<unknown>, pattern: RegExp) {
  try {
    await promise;
  } catch (error) {
    assert.match((error as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected a rejection matching ${pattern}`);
}

/** The real device, except that the first out-of-memory error scope after `arm()` reports an error. */
function withSimulatedOutOfMemory(device: GPUDevice): { device: GPUDevice; arm(): void } {
  const scopes: GPUErrorFilter[] = [];
  let armed = false;
  const wrapped = new Proxy(device, {
    get(target, prop) {
      if (prop === "pushErrorScope") {
        return (filter: GPUErrorFilter) => {
          scopes.push(filter);
          target.pushErrorScope(filter);
        };
      }
      if (prop === "popErrorScope") {
        return () => {
          const inject = scopes.pop() === "out-of-memory" && armed;
          if (inject) armed = false;
          return target.popErrorScope().then((real) =>
            inject ? new GPUOutOfMemoryError("simulated: the allocation did not fit") : real
          );
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { device: wrapped, arm: () => (armed = true) };
}

test("out-of-memory on an allocation surfaces as a clear error at the next read", async () => {
  const { device } = await requestDevice();
  const simulated = withSimulatedOutOfMemory(device);
  const rt = createRuntime(simulated.device);
  simulated.arm();
  const buffer = rt.createBuffer(1024, "activations");
  await rejects(rt.read(buffer, 16), /WebGPU ran out of memory allocating "activations" \(1024 bytes\).*smaller batch/);
  assert.throws(() => rt.createBuffer(16, "next"), /ran out of memory/);
  rt.destroy();
});

test("a tensor larger than the device allows is refused at once, naming the sizes", async () => {
  const backend = await createWebGpuBackend();
  const { maxBufferSize, maxStorageBufferBindingSize } = backend.device.limits;
  const limit = Math.min(maxBufferSize, maxStorageBufferBindingSize);
  assert.throws(() => backend.alloc([Math.floor(limit / 4) + 16]), new RegExp(`needs \\d+ bytes but this device allows ${limit}`));
  backend.destroy();
});

test("after the device is lost every call says so", async () => {
  const backend = await createWebGpuBackend();
  const t = backend.alloc([4]);
  backend.destroy();
  await backend.device.lost;
  assert.throws(() => backend.alloc([4]), /WebGPU device lost \(destroyed/);
  assert.throws(() => backend.zero(t), /Create a new backend with createWebGpuBackend/);
  await rejects(backend.download(t), /WebGPU device lost/);
});

test("binding one tensor as both output and input is refused before it reaches the GPU", async () => {
  const backend = await createWebGpuBackend();
  const x = backend.alloc([8]), y = backend.alloc([8]);
  assert.throws(() => backend.residualForward(x, x, y, 8), /written as "outp" is also bound as "a"/);
  backend.free(y);
  assert.throws(() => backend.residualForward(x, x, y, 8), /used after free/);
  backend.destroy();
});

test("a wrong kernel result never hides behind batching: reads see every op recorded before them", async () => {
  const backend = await createWebGpuBackend();
  const x = backend.alloc([3]);
  await backend.upload(x, Float32Array.of(1, 2, 3));
  backend.residualForward(x, backend.alloc([3]), backend.alloc([3]), 3);
  await backend.upload(x, Float32Array.of(4, 5, 6));
  const y = backend.alloc([3]);
  backend.copy(y, x, 3);
  assert.equal(Array.from(await backend.download(y)), [4, 5, 6]);
  backend.destroy();
});

test("thousands of ops recorded between reads run in order across several submits", async () => {
  const backend = await createWebGpuBackend();
  const one = backend.alloc([4]), a = backend.alloc([4]), b = backend.alloc([4]);
  await backend.upload(one, Float32Array.of(1, 1, 1, 1));
  for (let i = 0; i < 1500; i++) backend.residualForward(i % 2 === 0 ? a : b, i % 2 === 0 ? b : a, one, 4);
  assert.equal(Array.from(await backend.download(b)), [1500, 1500, 1500, 1500]);
  backend.destroy();
});

test.run();
