import { test } from "uvu";
import * as assert from "uvu/assert";
import { createWebGpuBackend } from "./webgpu_backend.ts";

// Node has no navigator.gpu, and the optional `webgpu` package (Dawn) is not installed here.
test("createWebGpuBackend on Node without WebGPU explains how to get it", async () => {
  try {
    await createWebGpuBackend();
    assert.unreachable("expected an error");
  } catch (error) {
    assert.match((error as Error).message, /No WebGPU here: navigator.gpu is undefined/);
    assert.match((error as Error).message, /npm install webgpu/);
  }
});

test.run();
