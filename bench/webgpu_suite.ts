/**
 * The webgpu suite of the runner: bench/kernels/webgpu_bench.ts (matmul GFLOP/s and tiny-model decode
 * tokens/s on the WebGPU adapter, the cpu backend's decode beside it), run under Deno with WebGPU
 * enabled. On a software adapter (llvmpipe and the like) the figures are a CPU emulating a GPU, and
 * the script labels them so. Not part of `--quick` runs unless named.
 */
import { readJson, spawnScript, temporaryDir } from "./host_node.ts";
import { formatTable, type SuiteOutput } from "./report.ts";
import type { SuiteContext } from "./suite_types.ts";

/** What webgpu_bench.ts writes. */
export interface WebGpuFigures {
  adapter: { description: string; isFallbackAdapter: boolean };
  label: string;
  matmul: { M: number; K: number; N: number; gflops: number; msPerMatmul: number }[];
  decode: Record<string, { rows: number; newTokens: number; tokensPerSecond: number }>;
}

/** Runs the suite. */
export async function run(context: SuiteContext): Promise<SuiteOutput<WebGpuFigures>> {
  const dir = await temporaryDir("toolrl-bench-webgpu-");
  try {
    context.log("webgpu: bench/kernels/webgpu_bench.ts under deno --unstable-webgpu");
    const out = `${dir.path}/webgpu.json`;
    const result = await spawnScript("deno", "bench/kernels/webgpu_bench.ts", ["--out", out], { denoFlags: ["--unstable-webgpu"] });
    if (result.code !== 0) {
      const tail = result.stderr.trim().split("\n").slice(-3).join(" | ");
      throw new Error(`webgpu_bench.ts exited ${result.code}: ${tail}`);
    }
    const figures = (await readJson(out)) as WebGpuFigures;
    const table = [
      formatTable(["matmul M x K x N", "GFLOP/s", "ms/matmul"], figures.matmul.map((m) => [`${m.M}x${m.K}x${m.N}`, m.gflops, m.msPerMatmul]), { digits: [0, 2, 2] }),
      "",
      formatTable(
        ["decode backend", "rows", "new tokens", "tokens/s"],
        Object.entries(figures.decode).map(([name, d]) => [name, d.rows, d.newTokens, d.tokensPerSecond]),
        { digits: [0, 0, 0, 1] },
      ),
    ].join("\n");
    return { backend: `webgpu: ${figures.adapter.description} (under deno)`, figures, table, notes: [figures.label] };
  } finally {
    await dir.remove();
  }
}
