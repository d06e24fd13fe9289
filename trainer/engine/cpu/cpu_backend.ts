/**
 * The cpu backend: every tensor is a Float32Array (or an Int32Array view of the same bytes) from an
 * allocator, every op the TypeScript reference in `ops/`, except the heavy kernels when faster ones
 * (WebAssembly SIMD) are given. Ops run synchronously.
 */
import type { Backend, DType, Kernels, Tensor } from "../backend/backend.ts";
import { adamwUpdate, sumSquares } from "./ops/adamw.ts";
import { attentionBackward, attentionDecode, attentionForward, cacheWrite } from "./ops/attention.ts";
import { encoderBackward, encoderForward, gatherRows } from "./ops/embedding.ts";
import { logprobsBackward, logprobsForward } from "./ops/head.ts";
import { matmulBackward, matmulForward } from "./ops/matmul.ts";
import { layernormBackward, layernormForward, rmsnormBackward, rmsnormForward } from "./ops/norm.ts";
import { geluBackward, geluForward, residualForward, scaledAdd, swigluBackward, swigluForward } from "./ops/pointwise.ts";
import { ropeBackward, ropeForward } from "./ops/rope.ts";

/** A cpu tensor: the handle plus its host array. */
export interface CpuTensor extends Tensor {
  readonly data: Float32Array | Int32Array;
}

/** How to build a cpu backend: where memory comes from and which kernels replace the reference. */
export interface CpuBackendOptions {
  /** Returns a zero-filled Float32Array of `length` elements (e.g. a view into WebAssembly memory). */
  alloc?: (length: number) => Float32Array;
  /** Gives back an array from `alloc`. */
  free?: (array: Float32Array) => void;
  /** Faster kernels used in place of the TypeScript reference. */
  kernels?: Partial<Kernels>;
  /** Name reported by `backend.name` (default "cpu"). */
  name?: string;
}

const f = (t: Tensor): Float32Array => (t as CpuTensor).data as Float32Array;
const fOrNull = (t: Tensor | null): Float32Array | null => (t === null ? null : f(t));
const i = (t: Tensor): Int32Array => (t as CpuTensor).data as Int32Array;

/**
 * A cpu backend over the TypeScript reference ops, optionally with faster kernels.
 *
 * @example
 * ```ts
 * const backend = createCpuBackend();
 * const x = backend.alloc([2, 3]);
 * ```
 */
export function createCpuBackend(options: CpuBackendOptions = {}): Backend {
  const allocFloats = options.alloc ?? ((length: number) => new Float32Array(length));
  const k = options.kernels ?? {};
  const matmulF = k.matmulForward ?? matmulForward;
  const matmulB = k.matmulBackward ?? matmulBackward;
  const attentionF = k.attentionForward ?? attentionForward;
  const attentionB = k.attentionBackward ?? attentionBackward;
  const attentionD = k.attentionDecode ?? attentionDecode;
  const swigluF = k.swigluForward ?? swigluForward;
  const swigluB = k.swigluBackward ?? swigluBackward;
  const logprobsF = k.logprobsForward ?? logprobsForward;
  const logprobsB = k.logprobsBackward ?? logprobsBackward;
  const adamw = k.adamwUpdate ?? adamwUpdate;
  const rmsnormF = k.rmsnormForward ?? rmsnormForward;
  const rmsnormB = k.rmsnormBackward ?? rmsnormBackward;
  const sumSq = k.sumSquares ?? sumSquares;
  const floatsOf = new WeakMap<Int32Array, Float32Array>();
  return {
    name: options.name ?? "cpu",
    alloc(shape: readonly number[], dtype: DType = "f32"): Tensor {
      const size = shape.reduce((a, b) => a * b, 1);
      if (!Number.isInteger(size) || size < 0) {
        throw new Error(`alloc: shape ${JSON.stringify(shape)} must be non-negative integers`);
      }
      const floats = allocFloats(size);
      if (dtype === "f32") return { shape: [...shape], dtype, size, data: floats } as CpuTensor;
      const ints = new Int32Array(floats.buffer, floats.byteOffset, size);
      floatsOf.set(ints, floats);
      return { shape: [...shape], dtype, size, data: ints } as CpuTensor;
    },
    free(t) {
      const data = (t as CpuTensor).data;
      const floats = data instanceof Int32Array ? floatsOf.get(data) : data;
      if (options.free && floats) options.free(floats);
    },
    upload(t, data) {
      if (data.length > t.size) {
        throw new Error(`upload: ${data.length} values do not fit a tensor of ${t.size} (shape ${JSON.stringify(t.shape)})`);
      }
      (t as CpuTensor).data.set(data);
    },
    download(t, length = t.size) {
      const data = (t as CpuTensor).data;
      return Promise.resolve(data.slice(0, length));
    },
    zero(t, n = t.size) {
      (t as CpuTensor).data.fill(0, 0, n);
    },
    copy(dst, src, n) {
      (dst as CpuTensor).data.set((src as CpuTensor).data.subarray(0, n));
    },
    encoderForward: (out, tokens, positions, wte, wpe, N, C) =>
      encoderForward(f(out), i(tokens), i(positions), f(wte), fOrNull(wpe), N, C),
    encoderBackward: (dwte, dwpe, dout, tokens, positions, N, C) =>
      encoderBackward(f(dwte), fOrNull(dwpe), f(dout), i(tokens), i(positions), N, C),
    gatherRows: (out, inp, index, M, C) => gatherRows(f(out), f(inp), i(index), M, C),
    layernormForward: (out, mean, rstd, inp, weight, bias, N, C, eps) =>
      layernormForward(f(out), f(mean), f(rstd), f(inp), f(weight), f(bias), N, C, eps),
    layernormBackward: (dinp, dweight, dbias, dout, inp, weight, mean, rstd, N, C) =>
      layernormBackward(f(dinp), f(dweight), f(dbias), f(dout), f(inp), f(weight), f(mean), f(rstd), N, C),
    rmsnormForward: (out, rstd, inp, weight, N, C, eps) => rmsnormF(f(out), f(rstd), f(inp), f(weight), N, C, eps),
    rmsnormBackward: (dinp, dweight, dout, inp, weight, rstd, N, C) =>
      rmsnormB(f(dinp), f(dweight), f(dout), f(inp), f(weight), f(rstd), N, C),
    matmulForward: (out, inp, weight, bias, N, C, OC) => matmulF(f(out), f(inp), f(weight), fOrNull(bias), N, C, OC),
    matmulBackward: (dinp, dweight, dbias, dout, inp, weight, N, C, OC) =>
      matmulB(f(dinp), f(dweight), fOrNull(dbias), f(dout), f(inp), f(weight), N, C, OC),
    ropeForward: (x, positions, table, N, nHeads, hs) => ropeForward(f(x), i(positions), f(table), N, nHeads, hs),
    ropeBackward: (dx, positions, table, N, nHeads, hs) => ropeBackward(f(dx), i(positions), f(table), N, nHeads, hs),
    attentionForward: (out, att, q, kk, v, lengths, B, T, NH, NKV, hs) =>
      attentionF(f(out), f(att), f(q), f(kk), f(v), i(lengths), B, T, NH, NKV, hs),
    attentionBackward: (dq, dk, dv, dout, q, kk, v, att, lengths, B, T, NH, NKV, hs) =>
      attentionB(f(dq), f(dk), f(dv), f(dout), f(q), f(kk), f(v), f(att), i(lengths), B, T, NH, NKV, hs),
    cacheWrite: (cache, inp, rows, offsets, B, T, maxT, D) =>
      cacheWrite(f(cache), f(inp), i(rows), i(offsets), B, T, maxT, D),
    attentionDecode: (out, att, q, kCache, vCache, rows, lengths, B, maxT, NH, NKV, hs) =>
      attentionD(f(out), f(att), f(q), f(kCache), f(vCache), i(rows), i(lengths), B, maxT, NH, NKV, hs),
    geluForward: (out, inp, N) => geluForward(f(out), f(inp), N),
    geluBackward: (dinp, dout, inp, N) => geluBackward(f(dinp), f(dout), f(inp), N),
    swigluForward: (out, gate, up, N) => swigluF(f(out), f(gate), f(up), N),
    swigluBackward: (dgate, dup, dout, gate, up, N) => swigluB(f(dgate), f(dup), f(dout), f(gate), f(up), N),
    residualForward: (out, a, b, N) => residualForward(f(out), f(a), f(b), N),
    scaledAdd: (out, inp, scale, N) => scaledAdd(f(out), f(inp), scale, N),
    logprobsForward: (logprobs, entropy, lse, logits, targets, N, V) =>
      logprobsF(f(logprobs), f(entropy), f(lse), f(logits), i(targets), N, V),
    logprobsBackward: (dlogits, dlogprobs, dentropy, logits, targets, lse, entropy, N, V) =>
      logprobsB(f(dlogits), f(dlogprobs), fOrNull(dentropy), f(logits), i(targets), f(lse), f(entropy), N, V),
    adamwUpdate: (param, m, v, grad, N, args) => adamw(f(param), f(m), f(v), f(grad), N, args),
    sumSquares: (tensors) => Promise.resolve(tensors.reduce((s, t) => s + sumSq(f(t), t.size), 0)),
  };
}
