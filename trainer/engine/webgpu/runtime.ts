/**
 * The GPU side of the webgpu backend: storage buffers, pipelines built once per kernel variant, bind
 * groups cached per set of buffers, kernel parameters in one uniform ring (dynamic offsets, written
 * with one `writeBuffer` per submit), and every dispatch recorded into one open compute pass until
 * something must leave the GPU (a read) or enter it (a write), which submits the batch.
 *
 * Errors: device loss, out-of-memory and validation errors are caught (device.lost, error scopes,
 * `uncapturederror`), turned into one clear Error, and thrown by the next call; the runtime is
 * unusable after that.
 */
import { type Constants, type KernelSpec, kernelSource, packParams, paramsBytes } from "./kernel.ts";

// WebGPU flag values, spelled out so the code needs no GPUBufferUsage global (absent under Node's Dawn until installed).
const USAGE = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80 };
const MAP_READ = 0x1;
const COMPUTE = 0x4;
const RING_SLOTS = 1024;
const MAX_GROUPS = 65535;

/** Workgroup counts of a dispatch. */
export type Grid = readonly [number, number?, number?];

/** `count` workgroups laid out within the per-dimension limit (kernels recover the index with `groupIndex`). */
export function groups(count: number): Grid {
  return count <= MAX_GROUPS ? [count, 1] : [MAX_GROUPS, Math.ceil(count / MAX_GROUPS)];
}

/** Enough workgroups of `size` invocations for `count` invocations (kernels use `threadIndex`). */
export function threads(count: number, size: number): Grid {
  return groups(Math.ceil(count / size));
}

/** What the backend needs from the GPU. */
export interface Runtime {
  readonly device: GPUDevice;
  /** A zeroed storage buffer of at least `bytes` (rounded up to 16). */
  createBuffer(bytes: number, label: string): GPUBuffer;
  /** Destroys a buffer once the work recorded so far no longer needs it. */
  destroyBuffer(buffer: GPUBuffer): void;
  /** Records one dispatch; `null` buffers bind a placeholder (for optional inputs the variant ignores). */
  dispatch(
    kernel: KernelSpec, buffers: readonly (GPUBuffer | null)[], params: Readonly<Record<string, number>>, grid: Grid,
    constants?: Constants,
  ): void;
  /** Writes `data` at the start of `buffer`, after the work recorded so far. */
  write(buffer: GPUBuffer, data: Float32Array | Int32Array): void;
  /** The first `bytes` of `buffer` once the work recorded so far is done. */
  read(buffer: GPUBuffer, bytes: number): Promise<ArrayBuffer>;
  /** Submits the recorded work. */
  flush(): void;
  /** Throws the first error the GPU reported, if any. */
  check(): void;
  /** Frees the device; every later call throws. */
  destroy(): void;
}

/** The runtime over `device`. */
export function createRuntime(device: GPUDevice): Runtime {
  let failure: Error | null = null;
  const fail = (error: Error) => {
    failure ??= error;
  };
  device.lost.then((info) => {
    fail(new Error(
      `WebGPU device lost (${info.reason}: ${info.message.trim() || "no message"}); its tensors are gone. ` +
        `Create a new backend with createWebGpuBackend() and reload the model.`,
    ));
  });
  device.addEventListener("uncapturederror", (event) => {
    fail(describe((event as GPUUncapturedErrorEvent).error, "a WebGPU call"));
  });
  const scoped: Promise<void>[] = [];
  const watch = (what: string) => {
    scoped.push(device.popErrorScope().then((e) => {
      if (e) fail(describe(e, what));
    }, () => undefined));
  };

  const ids = new WeakMap<GPUBuffer, number>();
  let nextId = 1;
  const storage = (bytes: number, label: string, extra = 0) => {
    const size = Math.max(16, Math.ceil(bytes / 16) * 16);
    const limit = Math.min(device.limits.maxBufferSize, device.limits.maxStorageBufferBindingSize);
    if (size > limit) {
      throw new Error(
        `WebGPU buffer "${label}" needs ${size} bytes but this device allows ${limit} per buffer; ` +
          `use a smaller batch, sequence length or model.`,
      );
    }
    device.pushErrorScope("out-of-memory");
    const buffer = device.createBuffer({ size, usage: USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST | extra, label });
    watch(`allocating "${label}" (${size} bytes)`);
    ids.set(buffer, nextId++);
    return buffer;
  };

  const slot = Math.max(256, device.limits.minUniformBufferOffsetAlignment);
  const ring = device.createBuffer({ size: slot * RING_SLOTS, usage: USAGE.UNIFORM | USAGE.COPY_DST, label: "params ring" });
  const ringHost = new Uint8Array(slot * RING_SLOTS);
  const ringView = new DataView(ringHost.buffer);
  let ringUsed = 0;
  const readPlaceholder = storage(16, "placeholder (read)");
  const writePlaceholder = storage(16, "placeholder (write)");

  const pipelines = new Map<string, { pipeline: GPUComputePipeline; layout: GPUBindGroupLayout }>();
  const pipelineFor = (kernel: KernelSpec, constants: Constants) => {
    const key = `${kernel.name}|${JSON.stringify(constants)}`;
    let entry = pipelines.get(key);
    if (!entry) {
      const layout = device.createBindGroupLayout({
        label: kernel.name,
        entries: [
          { binding: 0, visibility: COMPUTE, buffer: { type: "uniform", hasDynamicOffset: true, minBindingSize: paramsBytes(kernel) } },
          ...kernel.buffers.map((b, i): GPUBindGroupLayoutEntry => ({
            binding: i + 1, visibility: COMPUTE, buffer: { type: b.write ? "storage" : "read-only-storage" },
          })),
        ],
      });
      const module = device.createShaderModule({ label: kernel.name, code: kernelSource(kernel, constants) });
      const pipeline = device.createComputePipeline({
        label: key, layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }), compute: { module, entryPoint: "main" },
      });
      entry = { pipeline, layout };
      pipelines.set(key, entry);
    }
    return { key, ...entry };
  };

  const bindGroups = new Map<string, GPUBindGroup>();
  const groupsOf = new Map<number, Set<string>>();
  const bindGroupFor = (key: string, kernel: KernelSpec, layout: GPUBindGroupLayout, buffers: GPUBuffer[]) => {
    const bufferIds = buffers.map((b) => ids.get(b)!);
    const cacheKey = `${key}|${bufferIds.join(",")}`;
    let group = bindGroups.get(cacheKey);
    if (!group) {
      group = device.createBindGroup({
        layout,
        entries: [
          { binding: 0, resource: { buffer: ring, offset: 0, size: paramsBytes(kernel) } },
          ...buffers.map((buffer, i) => ({ binding: i + 1, resource: { buffer } })),
        ],
      });
      bindGroups.set(cacheKey, group);
      for (const id of bufferIds) {
        if (!groupsOf.has(id)) groupsOf.set(id, new Set());
        groupsOf.get(id)!.add(cacheKey);
      }
    }
    return group;
  };

  let encoder: GPUCommandEncoder | null = null;
  let pass: GPUComputePassEncoder | null = null;
  let doomed: GPUBuffer[] = [];
  const openEncoder = () => {
    if (!encoder) {
      device.pushErrorScope("validation");
      encoder = device.createCommandEncoder();
    }
    return encoder;
  };
  const closePass = () => {
    pass?.end();
    pass = null;
  };
  const check = () => {
    if (failure) throw failure;
  };

  const flush = () => {
    if (!encoder) return;
    closePass();
    if (ringUsed > 0) device.queue.writeBuffer(ring, 0, ringHost, 0, ringUsed * slot);
    device.pushErrorScope("out-of-memory");
    device.queue.submit([encoder.finish()]);
    watch("running kernels");
    watch("recording kernels");
    encoder = null;
    ringUsed = 0;
    for (const buffer of doomed) buffer.destroy();
    doomed = [];
  };

  const staging: GPUBuffer[] = [];
  const settle = async () => {
    while (scoped.length > 0) await Promise.all(scoped.splice(0));
    check();
  };

  return {
    device,
    createBuffer(bytes, label) {
      check();
      return storage(bytes, label);
    },
    destroyBuffer(buffer) {
      const id = ids.get(buffer)!;
      for (const key of groupsOf.get(id) ?? []) bindGroups.delete(key);
      groupsOf.delete(id);
      if (encoder) doomed.push(buffer);
      else buffer.destroy();
    },
    dispatch(kernel, buffers, params, grid, constants = {}) {
      check();
      if (buffers.length !== kernel.buffers.length) {
        throw new Error(`${kernel.name}: ${buffers.length} buffers given, the kernel binds ${kernel.buffers.length}`);
      }
      const bound = buffers.map((b, i) => b ?? (kernel.buffers[i].write ? writePlaceholder : readPlaceholder));
      kernel.buffers.forEach((spec, i) => {
        const j = spec.write ? bound.findIndex((b, k) => k !== i && b === bound[i]) : -1;
        if (j >= 0) {
          throw new Error(
            `${kernel.name}: the tensor written as "${spec.name}" is also bound as "${kernel.buffers[j].name}"; ` +
              `WebGPU cannot read and write one buffer in a dispatch, so pass separate tensors`,
          );
        }
      });
      if (grid.some((n) => n === 0)) return;
      if (ringUsed === RING_SLOTS) flush();
      const { key, pipeline, layout } = pipelineFor(kernel, constants);
      const group = bindGroupFor(key, kernel, layout, bound);
      packParams(kernel, params, ringView, ringUsed * slot);
      const enc = openEncoder();
      pass ??= enc.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, group, [ringUsed * slot]);
      pass.dispatchWorkgroups(grid[0], grid[1] ?? 1, grid[2] ?? 1);
      ringUsed++;
    },
    write(buffer, data) {
      check();
      flush();
      device.queue.writeBuffer(buffer, 0, data);
    },
    async read(buffer, bytes) {
      check();
      if (bytes === 0) return new ArrayBuffer(0);
      const i = staging.findIndex((s) => s.size >= bytes);
      const target = i >= 0
        ? staging.splice(i, 1)[0]
        : device.createBuffer({ size: 2 ** Math.ceil(Math.log2(Math.max(bytes, 256))), usage: USAGE.MAP_READ | USAGE.COPY_DST });
      const enc = openEncoder();
      closePass();
      enc.copyBufferToBuffer(buffer, 0, target, 0, bytes);
      flush();
      try {
        await target.mapAsync(MAP_READ, 0, bytes);
      } catch (error) {
        await settle();
        throw new Error(`WebGPU read-back failed: ${(error as Error).message}`);
      }
      const copy = target.getMappedRange(0, bytes).slice(0);
      target.unmap();
      staging.push(target);
      await settle();
      return copy;
    },
    flush,
    check,
    destroy() {
      flush();
      device.destroy();
    },
  };
}

function describe(error: GPUError, what: string): Error {
  const kind = error.constructor?.name ?? "GPUError";
  if (kind === "GPUOutOfMemoryError") {
    return new Error(
      `WebGPU ran out of memory ${what}: ${error.message.trim() || "no message"}. ` +
        `Use a smaller batch, sequence length or model, or free tensors you no longer need.`,
    );
  }
  return new Error(`WebGPU ${kind} while ${what}: ${error.message.trim()}`);
}
