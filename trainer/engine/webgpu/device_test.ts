import { test } from "uvu";
import * as assert from "uvu/assert";
import { requestDevice } from "./device.ts";

test("requestDevice without an adapter says so and how to get WebGPU on each runtime", async () => {
  const gpu = { requestAdapter: () => Promise.resolve(null) } as unknown as GPU;
  try {
    await requestDevice({ gpu });
    assert.unreachable("expected an error");
  } catch (error) {
    const message = (error as Error).message;
    assert.match(message, /No WebGPU adapter found/);
    assert.match(message, /--unstable-webgpu/);
    assert.match(message, /`webgpu` npm package/);
    assert.match(message, /--backend cpu/);
  }
});

test.run();
