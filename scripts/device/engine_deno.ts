/**
 * Deno entry of the GPU device check, bundled by scripts/device_prepare.sh into one file
 * (.device/toolrl_device.js) that needs no node_modules on the GPU machine:
 *
 *   adapter                     the WebGPU adapter the engine gets (info, limits) as JSON
 *   logits <dir> ...            `toolrl logits` itself (--tokens, --backend webgpu)
 *   train-step <dir> --mode full|lora [--warmup N] [--steps N] [--deadline-s S] [--backend cpu|webgpu]
 *                               scripts/device/train_step.ts; JSON on stdout, one line per step on stderr
 *
 * Run: deno run -A --unstable-webgpu .device/toolrl_device.js adapter
 */
import process from "node:process";
import { cliIO } from "../../cli/io.ts";
import { run as logits } from "../../cli/commands/logits.ts";
import { readFlags } from "../../cli/commands/flags.ts";
import { createCpuBackend } from "../../trainer/engine/cpu/cpu_backend.ts";
import { defaultFileSystem } from "../../trainer/engine/io/fs/fs.ts";
import { createWebGpuBackend } from "../../trainer/engine/webgpu/webgpu_backend.ts";
import { timeTrainSteps } from "./train_step.ts";

const LIMITS = [
  "maxBufferSize", "maxStorageBufferBindingSize", "maxComputeWorkgroupStorageSize", "maxComputeInvocationsPerWorkgroup",
  "maxComputeWorkgroupsPerDimension", "maxStorageBuffersPerShaderStage",
] as const;

/** The adapter as the engine requests it (createWebGpuBackend), its raw info and the device's limits. */
async function adapter(): Promise<number> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  const raw = gpu ? await gpu.requestAdapter({ powerPreference: "high-performance" }) : null;
  const info = raw?.info;
  const backend = await createWebGpuBackend();
  const limits = Object.fromEntries(LIMITS.map((name) => [name, backend.device.limits[name]]));
  const summary = {
    info: info ? { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description } : null,
    engine: backend.adapter,
    limits,
  };
  backend.destroy();
  process.stdout.write(JSON.stringify(summary) + "\n");
  return 0;
}

async function trainStep(argv: string[]): Promise<number> {
  const { flags, positional } = readFlags(argv, {
    mode: "string", warmup: "number", steps: "number", "deadline-s": "number", backend: "string",
  });
  if (positional.length !== 1) throw new Error(`train-step takes one checkpoint folder, got ${positional.length}`);
  const mode = String(flags.mode ?? "full");
  if (mode !== "full" && mode !== "lora") throw new Error(`--mode must be full or lora, got "${mode}"`);
  const backendName = String(flags.backend ?? "webgpu");
  if (backendName !== "cpu" && backendName !== "webgpu") throw new Error(`--backend must be cpu or webgpu, got "${backendName}"`);
  const gpu = backendName === "webgpu" ? await createWebGpuBackend() : null;
  const deadline = typeof flags["deadline-s"] === "number" ? performance.now() + flags["deadline-s"] * 1000 : undefined;
  try {
    const timing = await timeTrainSteps(positional[0], {
      fs: await defaultFileSystem(), backend: gpu ?? createCpuBackend(), mode,
      warmup: Number(flags.warmup ?? 1), steps: Number(flags.steps ?? 3), deadlineMs: deadline,
      log: (line) => process.stderr.write(line + "\n"),
    });
    process.stdout.write(JSON.stringify({ backend: backendName, adapter: gpu?.adapter ?? null, ...timing }) + "\n");
    return 0;
  } finally {
    gpu?.destroy();
  }
}

const [command, ...rest] = Deno.args;
let code: number;
try {
  if (command === "adapter") code = await adapter();
  else if (command === "logits") code = await logits(rest, cliIO());
  else if (command === "train-step") code = await trainStep(rest);
  else {
    process.stderr.write(`toolrl_device: unknown command ${JSON.stringify(command)}; give adapter, logits or train-step\n`);
    code = 2;
  }
} catch (error) {
  process.stderr.write(`toolrl_device ${command}: ${(error as Error).message}\n`);
  code = 1;
}
Deno.exit(code);
