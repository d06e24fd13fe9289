/**
 * WebAssembly SIMD kernels for the cpu backend's heavy ops (matmul and attention forward/backward, attention
 * over the KV cache for decode and chunked prefill, and the element-wise and per-row ops: SwiGLU, the LM
 * head's log-softmax, AdamW's update, RMSNorm, the sum of squares for gradient clipping), built from
 * src/*.as by `npm run build:wasm`. The arrays the kernels read and
 * write are views into the kernels' own WebAssembly.Memory (from `alloc`), so a call passes offsets,
 * never copies. With SharedArrayBuffer the memory is shared and big calls are split across worker
 * threads; without it (a browser page that is not cross-origin isolated) everything runs on the
 * calling thread.
 *
 * Shapes (row-major): BT rows, C input channels, OC output channels, B batch, T time, NH query heads,
 * NKV key/value heads, hs head size.
 */
import type { Kernels } from "../backend/backend.ts";
import { createHeap, type HeapView } from "./heap.ts";
import { privateMemoryModule, relaxedPrivateMemoryModule, relaxedSharedMemoryModule, sharedMemoryModule } from "./kernels_wasm.ts";
import { hasNodeBuiltins } from "../../../core/runtime/mod.ts";
import { workerRuntime, type WorkerRuntime } from "./spawn.ts";
import { createThreadPool, type ThreadPool } from "./thread_pool.ts";

/** Options of `createWasmKernels`. */
export interface WasmKernelsOptions {
  /** Threads, the calling one included (default: the processors available, at most 4; 1 without shared memory). */
  threads?: number;
  /** Initial memory in MiB (default 16; 256 for a non-shared memory, which cannot grow under live views). */
  initialMb?: number;
  /** Largest the memory may grow to, in MiB (default and at most 4096). */
  maxMb?: number;
  /** Use a shared memory (default: wherever SharedArrayBuffer is available); false forces one thread. */
  sharedMemory?: boolean;
  /** How worker threads are started (default: detected once for this runtime, see spawn.ts). */
  workerRuntime?: WorkerRuntime | null;
  /**
   * Multiply-adds (attention: scores × head size) per chunk below which a call is not cut further; a
   * call smaller than two chunks runs on the calling thread (default from bench/kernels/split_sweep.ts).
   */
  minWorkPerChunk?: number;
  /**
   * Use the relaxed-SIMD build, whose multiply-adds are fused (one instruction on processors with FMA):
   * true requires it, false takes the plain SIMD build, unset (the default) takes it where the runtime
   * has it. See {@link relaxedSimdAvailable}.
   */
  relaxedSimd?: boolean;
  /**
   * How the matmul micro-kernel broadcasts values: "load" (a broadcast load) or "shuffle" (a vector load
   * and lane shuffles). Unset (the default): both are timed once per process and build, and the faster
   * taken; which one wins depends on the engine's code generator (see src/gemm.as).
   */
  microKernel?: MicroKernel;
}

/** The two ways the matmul micro-kernel broadcasts values of its A panel. */
export type MicroKernel = "load" | "shuffle";

/** The kernels plus their memory. */
export interface WasmKernels extends Kernels {
  readonly memory: WebAssembly.Memory;
  /** Threads a big call is split across (1 when the memory is not shared). */
  readonly threads: number;
  readonly shared: boolean;
  /** Whether this instance runs the relaxed-SIMD build (fused multiply-add). */
  readonly relaxedSimd: boolean;
  /** The matmul micro-kernel this instance runs. */
  readonly microKernel: MicroKernel;
  /** A zero-filled, 16-byte aligned Float32Array view into `memory`. */
  alloc(length: number): Float32Array;
  /** A zero-filled, 16-byte aligned Int32Array view into `memory` (lengths for attention). */
  allocInt32(length: number): Int32Array;
  /** Gives an array from `alloc` / `allocInt32` back for reuse. */
  free(view: HeapView): void;
  /** Frees every array at once. */
  reset(): void;
  /** Stops the worker threads; the kernels cannot be used afterwards. */
  dispose(): void;
}

// Memory layout: bytes 0..63 unused (0 is the null pointer), the control block of the thread pool,
// the job descriptor the kernels read, then the heap (its 16-byte cookie just below HEAP_BASE).
const CONTROL = 64;
const JOB = 128;
const JOB_SLOTS = 24;
const HEAP_BASE = 1024;
const MIB = 2 ** 20;
/** From bench/kernels/split_sweep.ts on 2 cores: two threads beat one from about two chunks of this size. */
const MIN_WORK_PER_CHUNK = 1 << 16;
/** Work (in multiply-adds, as minWorkPerChunk counts it) of one element of an op that takes an exp. */
const EXP_WORK = 8;
/** Most chunks per thread: finer chunks balance a busy machine, coarser ones repack less. */
const CHUNKS_PER_THREAD = 4;

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

let relaxedSupport: Promise<boolean> | undefined;

/**
 * Whether this runtime runs the relaxed-SIMD build of the kernels: it validates the module, and on
 * Node, where V8 has relaxed SIMD behind `--experimental-wasm-relaxed-simd` before Node 22 (V8 11.4
 * turned it on by default), sets that flag first (relaxed_simd_node.ts). Chromium 114+, Firefox 120+,
 * Deno and Node 22+ have it on by default. Checked once per process.
 *
 * @example
 * ```ts
 * const fused = await relaxedSimdAvailable();
 * const kernels = await createWasmKernels({ relaxedSimd: fused });
 * ```
 */
export function relaxedSimdAvailable(): Promise<boolean> {
  relaxedSupport ??= (async () => {
    const bytes = decode(relaxedPrivateMemoryModule);
    if (WebAssembly.validate(bytes)) return true;
    if (!hasNodeBuiltins) return false;
    try {
      (await import("./relaxed_simd_node.ts")).enableRelaxedSimd();
    } catch {
      return false;
    }
    return WebAssembly.validate(bytes);
  })();
  return relaxedSupport;
}

// Per build (relaxed or not): the micro-kernel found faster on this engine.
const microKernelPicks = new Map<boolean, MicroKernel>();

/**
 * Times the micro-kernel both ways (alternating, best of 6 calls each, each about a millisecond after
 * the first calls have let the engine optimize it) and returns the faster: a few milliseconds, once
 * per process and build.
 */
function timeMicroKernels(time: (shuffle: boolean, reps: number) => void): MicroKernel {
  const best = [Infinity, Infinity];
  for (let round = 0; round < 8; round++) {
    for (const shuffle of [false, true]) {
      const start = performance.now();
      time(shuffle, 2000);
      const ms = performance.now() - start;
      if (round >= 2) best[shuffle ? 1 : 0] = Math.min(best[shuffle ? 1 : 0], ms);
    }
  }
  return best[1] < best[0] ? "shuffle" : "load";
}

function checkSizes(op: string, sizes: Record<string, number>): void {
  for (const [name, value] of Object.entries(sizes)) {
    if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff) {
      throw new Error(`${op}: ${name} = ${value} must be a non-negative integer`);
    }
  }
}

/**
 * Compiles the kernels, creates their memory and, where shared memory is available, the worker threads.
 *
 * @example
 * ```ts
 * const kernels = await createWasmKernels({ threads: 2 });
 * const backend = createCpuBackend({ alloc: kernels.alloc, free: kernels.free, kernels });
 * // ... train ...
 * kernels.dispose();
 * ```
 */
export async function createWasmKernels(options: WasmKernelsOptions = {}): Promise<WasmKernels> {
  const runtime = options.workerRuntime === undefined ? await workerRuntime() : options.workerRuntime;
  const wanted = options.threads ?? Math.min(runtime?.processors ?? 1, 4);
  if (!Number.isInteger(wanted) || wanted < 1 || wanted > 255) {
    throw new Error(`createWasmKernels: threads = ${wanted} must be an integer from 1 to 255`);
  }
  const shared = options.sharedMemory ?? runtime?.sharedMemory ?? typeof SharedArrayBuffer === "function";
  const maxMb = Math.min(options.maxMb ?? 4096, 4096);
  const initialMb = Math.min(options.initialMb ?? (shared ? 16 : 256), maxMb);
  const maxPages = Math.floor((maxMb * MIB) / 65536);
  const memory = new WebAssembly.Memory({
    initial: Math.max(1, Math.ceil((initialMb * MIB) / 65536)),
    maximum: maxPages,
    ...(shared ? { shared: true } : {}),
  });
  const relaxed = options.relaxedSimd === false ? false : await relaxedSimdAvailable();
  if (options.relaxedSimd === true && !relaxed) {
    throw new Error("createWasmKernels: relaxedSimd: true, but this runtime does not run WebAssembly relaxed SIMD");
  }
  const source = relaxed
    ? (shared ? relaxedSharedMemoryModule : relaxedPrivateMemoryModule)
    : (shared ? sharedMemoryModule : privateMemoryModule);
  const module = await WebAssembly.compile(decode(source));
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const exports = instance.exports as unknown as {
    run(job: number, part: number, parts: number): void;
    scratchBytes(T: number): number;
    timeMicroKernel(shuffle: boolean, scratch: number, reps: number): void;
    OP_MATMUL_FORWARD: WebAssembly.Global;
    OP_MATMUL_BACKWARD: WebAssembly.Global;
    OP_ATTENTION_FORWARD: WebAssembly.Global;
    OP_ATTENTION_BACKWARD: WebAssembly.Global;
    OP_SWIGLU_FORWARD: WebAssembly.Global;
    OP_SWIGLU_BACKWARD: WebAssembly.Global;
    OP_LOGPROBS_FORWARD: WebAssembly.Global;
    OP_LOGPROBS_BACKWARD: WebAssembly.Global;
    OP_ADAMW_UPDATE: WebAssembly.Global;
    OP_RMSNORM_FORWARD: WebAssembly.Global;
    OP_RMSNORM_BACKWARD: WebAssembly.Global;
    OP_SUM_SQUARES: WebAssembly.Global;
    OP_ATTENTION_DECODE: WebAssembly.Global;
  };
  const heap = createHeap(memory, { base: HEAP_BASE, shared, maxBytes: maxPages * 65536 });

  let microKernel = options.microKernel ?? microKernelPicks.get(relaxed);
  if (microKernel === undefined) {
    const panels = heap.alloc(Math.ceil(exports.scratchBytes(0) / 4));
    panels.fill(0.5);
    microKernel = timeMicroKernels((shuffle, reps) => exports.timeMicroKernel(shuffle, panels.byteOffset, reps));
    heap.free(panels);
    microKernelPicks.set(relaxed, microKernel);
  } else if (microKernel !== "load" && microKernel !== "shuffle") {
    throw new Error(`createWasmKernels: microKernel = ${JSON.stringify(microKernel)} must be "load" or "shuffle"`);
  }
  const opFlags = microKernel === "shuffle" ? 0x100 : 0;

  const threads = shared && runtime ? wanted : 1;
  const runChunk = (job: number, chunk: number, chunks: number) => exports.run(job, chunk, chunks);
  const pool: ThreadPool | null = threads > 1
    ? await createThreadPool({ runtime: runtime!, module, memory, runChunk, control: CONTROL, threads })
    : null;
  const minWork = Math.max(1, options.minWorkPerChunk ?? MIN_WORK_PER_CHUNK);
  const job = new Int32Array(memory.buffer, JOB, JOB_SLOTS);

  // Scratch for every chunk, (re)allocated when a call needs more than the last.
  let scratch: Float32Array | null = null;
  let scratchPerChunk = 0;
  let scratchChunks = 0;
  function ensureScratch(T: number, chunks: number): void {
    const need = Math.ceil(exports.scratchBytes(T) / 16) * 16;
    if (need <= scratchPerChunk && chunks <= scratchChunks) return;
    if (scratch) heap.free(scratch);
    scratchPerChunk = Math.max(need, scratchPerChunk);
    scratchChunks = Math.max(chunks, scratchChunks);
    scratch = heap.alloc((scratchPerChunk * scratchChunks) / 4);
  }

  let disposed = false;
  /**
   * Writes the job (op, scratch, arguments) and runs it: on one thread when `work` is too small to pay
   * for waking the others, else cut into chunks (at most `units`, the pieces the op can be cut into).
   * Returns the number of chunks it ran.
   */
  function dispatch(op: WebAssembly.Global, args: number[], work: number, units: number, T: number): number {
    if (disposed) throw new Error("wasm kernels: used after dispose()");
    const chunks = Math.min(255, units, threads * CHUNKS_PER_THREAD, Math.floor(work / minWork));
    ensureScratch(T, pool && chunks > 1 ? chunks : 1);
    job[0] = op.value | opFlags;
    job[1] = scratch!.byteOffset;
    job[2] = scratchPerChunk;
    for (let i = 0; i < args.length; i++) job[3 + i] = args[i];
    if (pool && chunks > 1) pool.run(JOB, chunks);
    else exports.run(JOB, 0, 1);
    return pool && chunks > 1 ? chunks : 1;
  }

  const at = heap.offsetOf;
  const floatBits = new Float32Array(1), intBits = new Int32Array(floatBits.buffer);
  /** An f32 argument as the i32 slot that holds its bits. */
  const bits = (value: number) => ((floatBits[0] = value), intBits[0]);
  return {
    memory,
    threads,
    shared,
    relaxedSimd: relaxed,
    microKernel,
    alloc: heap.alloc,
    allocInt32: heap.allocInt32,
    free: heap.free,
    reset() {
      heap.reset();
      scratch = null;
      scratchPerChunk = 0;
      scratchChunks = 0;
    },
    dispose() {
      disposed = true;
      pool?.dispose();
    },

    matmulForward(out, inp, weight, bias, BT, C, OC) {
      const op = "matmulForward";
      checkSizes(op, { BT, C, OC });
      dispatch(exports.OP_MATMUL_FORWARD, [
        at(out, BT * OC, `${op}: out`), at(inp, BT * C, `${op}: inp`), at(weight, OC * C, `${op}: weight`),
        bias ? at(bias, OC, `${op}: bias`) : 0, BT, C, OC,
      ], BT * C * OC, matmulUnits(BT, OC), 0);
    },

    matmulBackward(dinp, dweight, dbias, dout, inp, weight, BT, C, OC) {
      const op = "matmulBackward";
      checkSizes(op, { BT, C, OC });
      dispatch(exports.OP_MATMUL_BACKWARD, [
        at(dinp, BT * C, `${op}: dinp`), at(dweight, OC * C, `${op}: dweight`),
        dbias ? at(dbias, OC, `${op}: dbias`) : 0, at(dout, BT * OC, `${op}: dout`),
        at(inp, BT * C, `${op}: inp`), at(weight, OC * C, `${op}: weight`), BT, C, OC,
      ], 2 * BT * C * OC, Math.max(matmulUnits(BT, C), matmulUnits(OC, C)), 0);
    },

    attentionForward(out, att, q, k, v, lengths, B, T, NH, NKV, hs) {
      const op = "attentionForward";
      checkHeads(op, { B, T, NH, NKV, hs });
      dispatch(exports.OP_ATTENTION_FORWARD, [
        at(out, B * T * NH * hs, `${op}: out`), at(att, B * NH * T * T, `${op}: att`),
        at(q, B * T * NH * hs, `${op}: q`), at(k, B * T * NKV * hs, `${op}: k`), at(v, B * T * NKV * hs, `${op}: v`),
        at(lengths, B, `${op}: lengths`), B, T, NH, NKV, hs,
      ], B * NH * T * T * hs, B * NKV, T);
    },

    attentionBackward(dq, dk, dv, dout, q, k, v, att, lengths, B, T, NH, NKV, hs) {
      const op = "attentionBackward";
      checkHeads(op, { B, T, NH, NKV, hs });
      const qn = B * T * NH * hs, kvn = B * T * NKV * hs;
      dispatch(exports.OP_ATTENTION_BACKWARD, [
        at(dq, qn, `${op}: dq`), at(dk, kvn, `${op}: dk`), at(dv, kvn, `${op}: dv`), at(dout, qn, `${op}: dout`),
        at(q, qn, `${op}: q`), at(k, kvn, `${op}: k`), at(v, kvn, `${op}: v`), at(att, B * NH * T * T, `${op}: att`),
        at(lengths, B, `${op}: lengths`), B, T, NH, NKV, hs,
      ], 2 * B * NH * T * T * hs, B * NKV, T);
    },

    swigluForward(out, gate, up, N) {
      const op = "swigluForward";
      checkSizes(op, { N });
      dispatch(exports.OP_SWIGLU_FORWARD, [at(out, N, `${op}: out`), at(gate, N, `${op}: gate`), at(up, N, `${op}: up`), N], N * EXP_WORK, Math.ceil(N / 4), 0);
    },

    swigluBackward(dgate, dup, dout, gate, up, N) {
      const op = "swigluBackward";
      checkSizes(op, { N });
      dispatch(exports.OP_SWIGLU_BACKWARD, [
        at(dgate, N, `${op}: dgate`), at(dup, N, `${op}: dup`), at(dout, N, `${op}: dout`), at(gate, N, `${op}: gate`), at(up, N, `${op}: up`), N,
      ], N * EXP_WORK, Math.ceil(N / 4), 0);
    },

    logprobsForward(logprobs, entropy, lse, logits, targets, N, V) {
      const op = "logprobsForward";
      checkSizes(op, { N, V });
      dispatch(exports.OP_LOGPROBS_FORWARD, [
        at(logprobs, N, `${op}: logprobs`), at(entropy, N, `${op}: entropy`), at(lse, N, `${op}: lse`),
        at(logits, N * V, `${op}: logits`), at(targets, N, `${op}: targets`), N, V,
      ], N * V * EXP_WORK, N, 0);
    },

    logprobsBackward(dlogits, dlogprobs, dentropy, logits, targets, lse, entropy, N, V) {
      const op = "logprobsBackward";
      checkSizes(op, { N, V });
      dispatch(exports.OP_LOGPROBS_BACKWARD, [
        at(dlogits, N * V, `${op}: dlogits`), at(dlogprobs, N, `${op}: dlogprobs`), dentropy ? at(dentropy, N, `${op}: dentropy`) : 0,
        at(logits, N * V, `${op}: logits`), at(targets, N, `${op}: targets`), at(lse, N, `${op}: lse`), at(entropy, N, `${op}: entropy`), N, V,
      ], N * V * EXP_WORK, N, 0);
    },

    rmsnormForward(out, rstd, inp, weight, N, C, eps) {
      const op = "rmsnormForward";
      checkSizes(op, { N, C });
      dispatch(exports.OP_RMSNORM_FORWARD, [
        at(out, N * C, `${op}: out`), at(rstd, N, `${op}: rstd`), at(inp, N * C, `${op}: inp`), at(weight, C, `${op}: weight`), N, C, bits(eps),
      ], N * C * 2, N, 0);
    },

    rmsnormBackward(dinp, dweight, dout, inp, weight, rstd, N, C) {
      const op = "rmsnormBackward";
      checkSizes(op, { N, C });
      dispatch(exports.OP_RMSNORM_BACKWARD, [
        at(dinp, N * C, `${op}: dinp`), at(dweight, C, `${op}: dweight`), at(dout, N * C, `${op}: dout`), at(inp, N * C, `${op}: inp`),
        at(weight, C, `${op}: weight`), at(rstd, N, `${op}: rstd`), N, C,
      ], N * C * 4, Math.min(N, Math.ceil(C / 4)), 0);
    },

    sumSquares(x, N) {
      const op = "sumSquares";
      checkSizes(op, { N });
      const chunks = dispatch(exports.OP_SUM_SQUARES, [at(x, N, `${op}: x`), N], N, Math.ceil(N / 4), 0);
      let sum = 0;
      for (let k = 0; k < chunks; k++) sum += new Float64Array(memory.buffer, scratch!.byteOffset + k * scratchPerChunk, 1)[0];
      return sum;
    },

    adamwUpdate(param, m, v, grad, N, args) {
      const op = "adamwUpdate";
      checkSizes(op, { N });
      const { lr, beta1, beta2, eps, weightDecay, gradScale, step } = args;
      dispatch(exports.OP_ADAMW_UPDATE, [
        at(param, N, `${op}: param`), at(m, N, `${op}: m`), at(v, N, `${op}: v`), at(grad, N, `${op}: grad`), N,
        bits(lr), bits(beta1), bits(beta2), bits(eps), bits(weightDecay), bits(gradScale),
        bits(1 - Math.pow(beta1, step)), bits(1 - Math.pow(beta2, step)),
      ], N * 4, Math.ceil(N / 4), 0);
    },

    attentionDecode(out, att, q, kCache, vCache, rows, lengths, B, maxT, NH, NKV, hs) {
      const op = "attentionDecode";
      checkHeads(op, { B, T: maxT, NH, NKV, hs });
      const rowIds = rows.subarray(0, B);
      const Bc = rowIds.length > 0 ? Math.max(...rowIds) + 1 : 0;
      const cached = Bc * maxT * NKV * hs;
      let work = 0;
      for (let b = 0; b < B; b++) work += Math.min(Math.max(lengths[b], 0), maxT);
      dispatch(exports.OP_ATTENTION_DECODE, [
        at(out, B * NH * hs, `${op}: out`), at(att, B * NH * maxT, `${op}: att`), at(q, B * NH * hs, `${op}: q`),
        at(kCache, cached, `${op}: kCache`), at(vCache, cached, `${op}: vCache`),
        at(rows, B, `${op}: rows`), at(lengths, B, `${op}: lengths`), B, maxT, NH, NKV, hs,
      ], 2 * work * NH * hs, B * NH, 0);
    },
  };
}

/** Pieces an M×N output can be cut into: micro tiles (4 rows, 8 columns) along its longer side. */
function matmulUnits(M: number, N: number): number {
  return Math.max(Math.ceil(M / 4), Math.ceil(N / 8));
}

function checkHeads(op: string, sizes: { B: number; T: number; NH: number; NKV: number; hs: number }): void {
  checkSizes(op, sizes);
  if (sizes.NKV === 0 || sizes.NH % sizes.NKV !== 0) {
    throw new Error(`${op}: NH = ${sizes.NH} must be a multiple of NKV = ${sizes.NKV} (grouped-query attention)`);
  }
}
