/**
 * The webgpu backend: every op of `Backend` as WGSL compute kernels (`kernels/`), so the model runs
 * unchanged on a GPU through WebGPU (Deno, browsers, Node with Dawn). Tensors are storage buffers that
 * stay on the device; ops only record dispatches and return at once; `download` and `sumSquares`
 * submit what was recorded and read back just the bytes asked for. All math is float32 in the plain
 * WGSL path (no `shader-f16` or `subgroups` kernels: the adapters this is tested on offer neither).
 *
 * Shape legend as in `../backend/backend.ts`.
 */
import type { Backend, DType, Tensor } from "../backend/backend.ts";
import { type AdapterDescription, type DeviceOptions, requestDevice } from "./device.ts";
import type { Constants, KernelSpec } from "./kernel.ts";
import {
  attentionBackwardKeyKernel, attentionBackwardQueryKernel, attentionDecodeKernel, attentionForwardKernel,
} from "./kernels/attention.ts";
import {
  cacheWriteKernel, chainAccumulateKernel, chainKernel, encoderForwardKernel, gatherRowsKernel, ropeKernel,
} from "./kernels/embedding.ts";
import {
  logprobsBackwardKernel, logprobsForwardKernel, sumPartialsKernel, sumSquaresPartialKernel,
} from "./kernels/head.ts";
import { columnSumKernel, GEMM_TILE, gemmKernel } from "./kernels/matmul.ts";
import {
  layernormBackwardInputKernel, layernormBackwardParamsKernel, layernormForwardKernel,
  rmsnormBackwardInputKernel, rmsnormBackwardParamsKernel, rmsnormForwardKernel,
} from "./kernels/norm.ts";
import {
  adamwKernel, copyKernel, geluBackwardKernel, geluForwardKernel, residualKernel, scaledAddKernel, swigluBackwardKernel,
  swigluForwardKernel, zeroKernel,
} from "./kernels/pointwise.ts";
import { createRuntime, type Grid, groups, type Runtime, threads } from "./runtime.ts";

/** Options of `createWebGpuBackend`. */
export type WebGpuBackendOptions = DeviceOptions;

/** A webgpu backend: the `Backend` ops plus what the adapter is and a way to release the device. */
export interface WebGpuBackend extends Backend {
  readonly adapter: AdapterDescription;
  readonly device: GPUDevice;
  /** Releases the device; the backend and its tensors are unusable afterwards. */
  destroy(): void;
}

interface GpuTensor extends Tensor {
  readonly buffer: GPUBuffer;
  freed: boolean;
}

const SUM_GROUPS = 64;

/**
 * A backend on the best WebGPU adapter; throws, saying how to get WebGPU, when there is none.
 *
 * @example
 * ```ts
 * const model = await createModel(config, { backend: await createWebGpuBackend(), tokenizer });
 * ```
 */
export async function createWebGpuBackend(options: WebGpuBackendOptions = {}): Promise<WebGpuBackend> {
  const { device, adapter } = await requestDevice(options);
  return webgpuBackendOn(createRuntime(device), adapter);
}

/** Same as `createWebGpuBackend`. @example const backend = await webgpuBackend(); */
export const webgpuBackend = createWebGpuBackend;

function webgpuBackendOn(rt: Runtime, adapter: AdapterDescription): WebGpuBackend {
  const buf = (t: Tensor): GPUBuffer => {
    const g = t as GpuTensor;
    if (!g.buffer) throw new Error(`A tensor of shape ${JSON.stringify(t.shape)} is not a webgpu tensor; allocate it with this backend.`);
    if (g.freed) throw new Error(`A tensor of shape ${JSON.stringify(t.shape)} was used after free().`);
    return g.buffer;
  };
  const opt = (t: Tensor | null) => (t === null ? null : buf(t));
  const run = (kernel: KernelSpec, tensors: (Tensor | null)[], params: Record<string, number>, grid: Grid, constants?: Constants) =>
    rt.dispatch(kernel, tensors.map(opt), params, grid, constants);
  const each = (kernel: KernelSpec, tensors: (Tensor | null)[], n: number, params: Record<string, number> = {}, constants?: Constants) =>
    run(kernel, tensors, { n, ...params }, threads(n, kernel.workgroupSize), constants);

  // Internal buffers that grow on demand: attention's dS, the embedding chains, the Σx² partials.
  const scratch = new Map<string, GPUBuffer>();
  const scratchTensor = (name: string, elements: number, dtype: DType): Tensor => {
    let buffer = scratch.get(name);
    if (!buffer || buffer.size < elements * 4) {
      if (buffer) rt.destroyBuffer(buffer);
      buffer = rt.createBuffer(elements * 4, `scratch ${name}`);
      scratch.set(name, buffer);
    }
    return { shape: [elements], dtype, size: elements, buffer, freed: false } as GpuTensor;
  };

  /** out (M,Nn) (+)= A (M,K) · B (Nn,K)ᵀ (+ bias), A(m,k) = a[m·sam + k·sak], B(n,k) = b[n·sbn + k·sbk]. */
  const gemm = (
    out: Tensor, a: Tensor, b: Tensor, bias: Tensor | null,
    s: { M: number; Nn: number; K: number; sam: number; sak: number; sbn: number; sbk: number }, accumulate: boolean,
  ) =>
    run(gemmKernel, [out, a, b, bias], {
      ...s,
      flags: (s.sak === 1 ? 1 : 0) | (s.sbk === 1 ? 2 : 0) | (bias !== null ? 4 : 0) | (accumulate ? 8 : 0),
    }, [Math.ceil(s.Nn / GEMM_TILE), Math.ceil(s.M / GEMM_TILE)]);

  const embeddingBackward = (dw: Tensor, dout: Tensor, ids: Tensor, N: number, C: number) => {
    const chain = scratchTensor("chain", 2 * N, "i32");
    each(chainKernel, [chain, ids], N);
    each(chainAccumulateKernel, [dw, dout, ids, chain], N * C, { N, C });
  };

  const attentionSizes = (B: number, T: number, NH: number, NKV: number, hs: number) => {
    if (NH % NKV !== 0) throw new Error(`attention: NH ${NH} is not a multiple of NKV ${NKV}`);
    return { B, T, NH, NKV, hs, scale: 1 / Math.sqrt(hs) };
  };

  return {
    name: "webgpu",
    adapter,
    device: rt.device,
    destroy: () => rt.destroy(),

    alloc(shape: readonly number[], dtype: DType = "f32"): Tensor {
      const size = shape.reduce((a, b) => a * b, 1);
      if (!Number.isInteger(size) || size < 0) throw new Error(`alloc: shape ${JSON.stringify(shape)} must be non-negative integers`);
      const buffer = rt.createBuffer(size * 4, `${dtype} ${JSON.stringify(shape)}`);
      return { shape: [...shape], dtype, size, buffer, freed: false } as GpuTensor;
    },
    free(t) {
      const g = t as GpuTensor;
      if (g.freed || !g.buffer) return;
      g.freed = true;
      rt.destroyBuffer(g.buffer);
    },
    upload(t, data) {
      if (data.length > t.size) {
        throw new Error(`upload: ${data.length} values do not fit a tensor of ${t.size} (shape ${JSON.stringify(t.shape)})`);
      }
      const typed = t.dtype === "i32"
        ? (data instanceof Int32Array ? data : Int32Array.from(data))
        : (data instanceof Float32Array ? data : Float32Array.from(data));
      if (typed.length > 0) rt.write(buf(t), typed);
    },
    async download(t, length = t.size) {
      if (!Number.isInteger(length) || length < 0 || length > t.size) {
        throw new Error(`download: length ${length} is outside the tensor's ${t.size} elements`);
      }
      const bytes = await rt.read(buf(t), length * 4);
      return t.dtype === "i32" ? new Int32Array(bytes) : new Float32Array(bytes);
    },
    zero: (t, n = t.size) => each(zeroKernel, [t], n),
    copy: (dst, src, n) => each(copyKernel, [dst, src], n),

    encoderForward: (out, tokens, positions, wte, wpe, N, C) =>
      each(encoderForwardKernel, [out, tokens, positions, wte, wpe], N * C, { C }, { HAS_WPE: wpe !== null }),
    encoderBackward(dwte, dwpe, dout, tokens, positions, N, C) {
      embeddingBackward(dwte, dout, tokens, N, C);
      if (dwpe !== null) embeddingBackward(dwpe, dout, positions, N, C);
    },
    gatherRows: (out, inp, index, M, C) => each(gatherRowsKernel, [out, inp, index], M * C, { C }),

    layernormForward: (out, mean, rstd, inp, weight, bias, N, C, eps) =>
      run(layernormForwardKernel, [out, mean, rstd, inp, weight, bias], { N, C, eps }, groups(N)),
    layernormBackward(dinp, dweight, dbias, dout, inp, weight, mean, rstd, N, C) {
      run(layernormBackwardInputKernel, [dinp, dout, inp, weight, mean, rstd], { N, C }, groups(N));
      run(layernormBackwardParamsKernel, [dweight, dbias, dout, inp, mean, rstd], { N, C }, threads(C, 64));
    },
    rmsnormForward: (out, rstd, inp, weight, N, C, eps) =>
      run(rmsnormForwardKernel, [out, rstd, inp, weight], { N, C, eps }, groups(N)),
    rmsnormBackward(dinp, dweight, dout, inp, weight, rstd, N, C) {
      run(rmsnormBackwardInputKernel, [dinp, dout, inp, weight, rstd], { N, C }, groups(N));
      run(rmsnormBackwardParamsKernel, [dweight, dout, inp, rstd], { N, C }, threads(C, 64));
    },

    matmulForward: (out, inp, weight, bias, N, C, OC) =>
      gemm(out, inp, weight, bias, { M: N, Nn: OC, K: C, sam: C, sak: 1, sbn: C, sbk: 1 }, false),
    matmulBackward(dinp, dweight, dbias, dout, inp, weight, N, C, OC) {
      // dinp (N,C) += dout (N,OC) · weight (OC,C)
      gemm(dinp, dout, weight, null, { M: N, Nn: C, K: OC, sam: OC, sak: 1, sbn: 1, sbk: C }, true);
      // dweight (OC,C) += doutᵀ (OC,N) · inp (N,C)
      gemm(dweight, dout, inp, null, { M: OC, Nn: C, K: N, sam: 1, sak: OC, sbn: 1, sbk: C }, true);
      if (dbias !== null) run(columnSumKernel, [dbias, dout], { R: N, C: OC }, threads(OC, 64));
    },

    ropeForward: (x, positions, table, N, nHeads, hs) =>
      each(ropeKernel, [x, positions, table], (N * nHeads * hs) / 2, { nHeads, hs, sign: 1 }),
    ropeBackward: (dx, positions, table, N, nHeads, hs) =>
      each(ropeKernel, [dx, positions, table], (N * nHeads * hs) / 2, { nHeads, hs, sign: -1 }),

    attentionForward: (out, att, q, k, v, lengths, B, T, NH, NKV, hs) =>
      run(attentionForwardKernel, [out, att, q, k, v, lengths], attentionSizes(B, T, NH, NKV, hs), groups(B * NH * T)),
    attentionBackward(dq, dk, dv, dout, q, k, v, att, lengths, B, T, NH, NKV, hs) {
      const sizes = attentionSizes(B, T, NH, NKV, hs);
      const dS = scratchTensor("attention.dS", B * NH * T * T, "f32");
      run(attentionBackwardQueryKernel, [dq, dS, dout, k, v, att, lengths], sizes, groups(B * NH * T));
      run(attentionBackwardKeyKernel, [dk, dv, dS, att, q, dout, lengths], sizes, threads(B * T * NKV * hs, 64));
    },
    cacheWrite: (cache, inp, rows, offsets, B, T, maxT, D) =>
      each(cacheWriteKernel, [cache, inp, rows, offsets], B * T * D, { T, maxT, D }),
    attentionDecode(out, att, q, kCache, vCache, rows, lengths, B, maxT, NH, NKV, hs) {
      const { scale } = attentionSizes(B, 1, NH, NKV, hs);
      run(attentionDecodeKernel, [out, att, q, kCache, vCache, rows, lengths], { B, maxT, NH, NKV, hs, scale }, groups(B * NH));
    },

    geluForward: (out, inp, N) => each(geluForwardKernel, [out, inp], N),
    geluBackward: (dinp, dout, inp, N) => each(geluBackwardKernel, [dinp, dout, inp], N),
    swigluForward: (out, gate, up, N) => each(swigluForwardKernel, [out, gate, up], N),
    swigluBackward: (dgate, dup, dout, gate, up, N) => each(swigluBackwardKernel, [dgate, dup, dout, gate, up], N),
    residualForward: (out, a, b, N) => each(residualKernel, [out, a, b], N),
    scaledAdd: (out, inp, scale, N) => each(scaledAddKernel, [out, inp], N, { scale }),

    logprobsForward: (logprobs, entropy, lse, logits, targets, N, V) =>
      run(logprobsForwardKernel, [logprobs, entropy, lse, logits, targets], { N, V }, groups(N)),
    logprobsBackward: (dlogits, dlogprobs, dentropy, logits, targets, lse, entropy, N, V) =>
      run(logprobsBackwardKernel, [dlogits, dlogprobs, dentropy, logits, targets, lse, entropy], { N, V }, threads(N * V, 256), {
        HAS_DENTROPY: dentropy !== null,
      }),

    adamwUpdate(param, m, v, grad, N, args) {
      const { lr, beta1, beta2, eps, weightDecay, gradScale, step } = args;
      each(adamwKernel, [param, m, v, grad], N, {
        lr, beta1, beta2, eps, weightDecay, gradScale, c1: 1 - Math.pow(beta1, step), c2: 1 - Math.pow(beta2, step),
      });
    },
    async sumSquares(tensors) {
      const parts = tensors.map((t) => Math.min(SUM_GROUPS, Math.ceil(t.size / sumSquaresPartialKernel.workgroupSize)));
      const count = parts.reduce((a, b) => a + b, 0);
      if (count === 0) return 0;
      const partials = scratchTensor("sumSquares.partials", count, "f32");
      const result = scratchTensor("sumSquares.result", 1, "f32");
      let base = 0;
      tensors.forEach((t, i) => {
        run(sumSquaresPartialKernel, [partials, t], { n: t.size, base, groups: parts[i] }, [parts[i]]);
        base += parts[i];
      });
      run(sumPartialsKernel, [result, partials], { count }, [1]);
      return new Float32Array(await rt.read(buf(result), 4))[0];
    },
  };
}
