/**
 * WebGPU kernel benchmark: matmul GFLOP/s (the linear layer's forward, out = inp · Wᵀ) at a few sizes
 * and decode tokens/s of the built-in tiny model (greedy, KV cache), on whatever adapter is present,
 * with the cpu backend's decode rate beside it. Writes bench/results/webgpu.json labelled with the
 * adapter's description; on a software adapter (llvmpipe, lavapipe, SwiftShader) the figures are the
 * CPU emulating a GPU and are labelled as such, not as GPU performance.
 *
 * Run: deno run -A --unstable-webgpu bench/kernels/webgpu_bench.ts [--out FILE]
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { asciiTokenizer } from "../../trainer/engine/conformance/fixtures.ts";
import type { Backend } from "../../trainer/engine/backend/backend.ts";
import { createCpuBackend } from "../../trainer/engine/cpu/cpu_backend.ts";
import { tinyConfig } from "../../trainer/engine/model/config.ts";
import { createModel } from "../../trainer/engine/model/model.ts";
import { createWebGpuBackend } from "../../trainer/engine/webgpu/webgpu_backend.ts";

const args = (globalThis as { Deno?: { args: string[] } }).Deno?.args ?? [];
const outPath = args.includes("--out") ? args[args.indexOf("--out") + 1] : "bench/results/webgpu.json";

/** Seconds per call of `fn` after one warm-up, over at least `minSeconds` and 3 calls. */
async function timeIt(fn: () => Promise<unknown>, minSeconds: number): Promise<number> {
  await fn();
  let calls = 0;
  const start = performance.now();
  while (calls < 3 || performance.now() - start < minSeconds * 1000) {
    await fn();
    calls++;
  }
  return (performance.now() - start) / 1000 / calls;
}

/** GFLOP/s of `repeats` back-to-back matmuls of (M,K)·(N,K)ᵀ, synchronised by one small read. */
async function matmulRate(backend: Backend, M: number, K: number, N: number, repeats: number) {
  const inp = backend.alloc([M, K]), weight = backend.alloc([N, K]), out = backend.alloc([M, N]);
  await backend.upload(inp, Float32Array.from({ length: M * K }, (_, i) => ((i * 7) % 13) / 13 - 0.5));
  await backend.upload(weight, Float32Array.from({ length: N * K }, (_, i) => ((i * 5) % 11) / 11 - 0.5));
  const seconds = await timeIt(async () => {
    for (let r = 0; r < repeats; r++) await backend.matmulForward(out, inp, weight, null, M, K, N);
    await backend.download(out, 1);
  }, 1);
  for (const t of [inp, weight, out]) backend.free(t);
  return { M, K, N, gflops: (2 * M * N * K * repeats) / seconds / 1e9, msPerMatmul: (seconds * 1000) / repeats };
}

/** Greedy decode tokens/s of the tiny model: `rows` contexts, `newTokens` each, every call from a cleared prefix cache (cold). */
async function decodeRate(backend: Backend, rows: number, newTokens: number) {
  const tokenizer = asciiTokenizer();
  const model = await createModel(tinyConfig(tokenizer.vocabSize), { tokenizer, backend, seed: 1 });
  const contexts = Array.from({ length: rows }, (_, i) => tokenizer.encode(`What is ${i + 3} * ${i + 7}?`));
  const options = { maxNewTokens: newTokens, temperature: 0, stopTokens: [] };
  const seconds = await timeIt(() => {
    model.prefixCache.clear();
    return model.generate(contexts, options);
  }, 2);
  model.dispose();
  return { rows, newTokens, tokensPerSecond: (rows * newTokens) / seconds };
}

const backend = await createWebGpuBackend();
const software = backend.adapter.isFallbackAdapter;
const sizes = software ? [[64, 64, 64], [128, 256, 128], [256, 256, 256]] : [[256, 256, 256], [1024, 1024, 1024], [2048, 2048, 2048], [4096, 4096, 4096]];
const matmul = [];
for (const [M, K, N] of sizes) {
  const r = await matmulRate(backend, M, K, N, software ? 2 : 20);
  matmul.push(r);
  console.log(`matmul ${M}x${K} · ${N}x${K}ᵀ: ${r.gflops.toFixed(2)} GFLOP/s (${r.msPerMatmul.toFixed(2)} ms)`);
}
const decode = { webgpu: await decodeRate(backend, 8, 16), cpu: await decodeRate(createCpuBackend(), 8, 16) };
console.log(`decode (tiny model, 8 rows × 16 tokens): webgpu ${decode.webgpu.tokensPerSecond.toFixed(1)} tok/s, cpu ${decode.cpu.tokensPerSecond.toFixed(1)} tok/s`);

const result = {
  adapter: backend.adapter,
  label: software
    ? `software adapter (${backend.adapter.description}): a CPU emulating a GPU; these are not GPU figures`
    : `GPU: ${backend.adapter.description}`,
  date: new Date().toISOString(),
  matmul,
  decode,
};
await mkdir(dirname(outPath), { recursive: true });
await writeFile(outPath, JSON.stringify(result, null, 2) + "\n");
console.log(`wrote ${outPath} (${result.label})`);
backend.destroy();
