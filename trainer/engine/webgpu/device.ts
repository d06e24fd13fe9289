/**
 * Finding a WebGPU device: `navigator.gpu` (Deno with --unstable-webgpu, browsers), else the `webgpu`
 * npm package (Dawn) when it is installed (Node), else an error that says how to get one.
 */

/** How to find the GPU. */
export interface DeviceOptions {
  /** The WebGPU entry point; default `navigator.gpu`, or the `webgpu` package's `create([])` under Node. */
  gpu?: GPU;
  powerPreference?: GPUPowerPreference;
}

/** What the adapter says about itself, for labels and benchmarks. */
export interface AdapterDescription {
  description: string;
  vendor: string;
  architecture: string;
  /** True for software adapters (llvmpipe, lavapipe, SwiftShader, WARP). */
  isFallbackAdapter: boolean;
  /** Optional features the adapter offers (e.g. "shader-f16", "subgroups"). */
  features: string[];
}

const HOW_TO = "WebGPU is available in Deno with --unstable-webgpu (deno task toolrl sets it), in Node with the " +
  "`webgpu` npm package (Dawn: npm install webgpu), and in WebGPU-enabled browsers; otherwise use --backend cpu.";

async function dawnGpu(): Promise<GPU | undefined> {
  const specifier = "webgpu"; // optional dependency: resolved at run time only
  try {
    const dawn = await import(specifier);
    return dawn.create([]) as GPU;
  } catch {
    return undefined;
  }
}

/**
 * A device on the best adapter, with the adapter's buffer-size limits.
 *
 * @example
 * ```ts
 * const { device, adapter } = await requestDevice({ powerPreference: "high-performance" });
 * ```
 */
export async function requestDevice(options: DeviceOptions = {}): Promise<{ device: GPUDevice; adapter: AdapterDescription }> {
  const gpu = options.gpu ?? (globalThis.navigator as Navigator | undefined)?.gpu ?? (await dawnGpu());
  if (!gpu) throw new Error(`No WebGPU here: navigator.gpu is undefined. ${HOW_TO}`);
  const adapter = await gpu.requestAdapter({ powerPreference: options.powerPreference ?? "high-performance" });
  if (!adapter) {
    throw new Error(
      `No WebGPU adapter found (requestAdapter() returned null). On Linux a software adapter comes with Mesa ` +
        `(apt-get install libegl-mesa0 libgl1-mesa-dri mesa-vulkan-drivers). ${HOW_TO}`,
    );
  }
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxBufferSize: adapter.limits.maxBufferSize,
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
    },
  });
  const info = adapter.info;
  return {
    device,
    adapter: {
      description: info.description || info.device || info.vendor || "unknown adapter",
      vendor: info.vendor,
      architecture: info.architecture,
      isFallbackAdapter: Boolean((info as { isFallbackAdapter?: boolean }).isFallbackAdapter) ||
        /llvmpipe|lavapipe|swiftshader|warp|software/i.test(info.description),
      features: [...adapter.features],
    },
  };
}
