/**
 * The ops a backend provides to the model. The model calls only these, so it runs unchanged on the
 * TypeScript reference, the WebAssembly kernels and WebGPU. Tensors are opaque handles the backend
 * allocates; data moves in with `upload` and out with `download` (async, so a GPU keeps buffers on the
 * device across a step). Ops may return a promise (device backends) or nothing (the cpu backend).
 *
 * Conventions, as in llm.c: arguments in the order (outputs, inputs, weights, sizes); sizes are passed
 * explicitly and a tensor may be larger than the part an op touches (buffers are reused across shapes);
 * backward ops ACCUMULATE (+=) into their outputs, so callers zero scratch gradients first.
 *
 * Shape legend: B batch, T time, N = B*T rows, C channels, OC output channels, NH query heads,
 * NKV key/value heads, hs head size, V vocabulary, maxT positions, Bc cache rows.
 */

/** Element type of a tensor: float32 values or int32 ids/positions/lengths. */
export type DType = "f32" | "i32";

/** An opaque handle to a backend's buffer. */
export interface Tensor {
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** Number of elements (product of the shape). */
  readonly size: number;
}

/** What an op returns: nothing when it ran synchronously, a promise when it was queued. */
export type Done = void | Promise<void>;

/** The heavy kernels a faster implementation may provide, on Float32Array views (row-major). */
export interface Kernels {
  /** out (BT,OC) = inp (BT,C) · weight (OC,C)ᵀ + bias (OC). */
  matmulForward(
    out: Float32Array, inp: Float32Array, weight: Float32Array, bias: Float32Array | null,
    BT: number, C: number, OC: number,
  ): void;
  /** Accumulates dinp (BT,C), dweight (OC,C), dbias (OC) from dout (BT,OC). */
  matmulBackward(
    dinp: Float32Array, dweight: Float32Array, dbias: Float32Array | null,
    dout: Float32Array, inp: Float32Array, weight: Float32Array,
    BT: number, C: number, OC: number,
  ): void;
  /** Causal attention with per-row lengths and GQA; att (B,NH,T,T) keeps the probabilities. */
  attentionForward(
    out: Float32Array, att: Float32Array,
    q: Float32Array, k: Float32Array, v: Float32Array, lengths: Int32Array,
    B: number, T: number, NH: number, NKV: number, hs: number,
  ): void;
  /** Accumulates dq, dk, dv. */
  attentionBackward(
    dq: Float32Array, dk: Float32Array, dv: Float32Array,
    dout: Float32Array, q: Float32Array, k: Float32Array, v: Float32Array, att: Float32Array,
    lengths: Int32Array,
    B: number, T: number, NH: number, NKV: number, hs: number,
  ): void;
  /** out (N) = silu(gate) · up. */
  swigluForward(out: Float32Array, gate: Float32Array, up: Float32Array, N: number): void;
  /** Accumulates dgate (N), dup (N) from dout (N). */
  swigluBackward(dgate: Float32Array, dup: Float32Array, dout: Float32Array, gate: Float32Array, up: Float32Array, N: number): void;
  /** logprobs, entropy, lse (N) from logits (N,V) and targets (N); rows with a negative target give zeros. */
  logprobsForward(
    logprobs: Float32Array, entropy: Float32Array, lse: Float32Array, logits: Float32Array, targets: Int32Array, N: number, V: number,
  ): void;
  /** Accumulates dlogits (N,V) from dlogprobs (N) and dentropy (N) or null. */
  logprobsBackward(
    dlogits: Float32Array, dlogprobs: Float32Array, dentropy: Float32Array | null,
    logits: Float32Array, targets: Int32Array, lse: Float32Array, entropy: Float32Array, N: number, V: number,
  ): void;
  /** out (N,C), rstd (N) from inp (N,C), weight (C). */
  rmsnormForward(out: Float32Array, rstd: Float32Array, inp: Float32Array, weight: Float32Array, N: number, C: number, eps: number): void;
  /** Accumulates dinp (N,C), dweight (C) from dout (N,C). */
  rmsnormBackward(
    dinp: Float32Array, dweight: Float32Array, dout: Float32Array, inp: Float32Array, weight: Float32Array, rstd: Float32Array, N: number, C: number,
  ): void;
  /** Σ x² over x (N), summed in float64 (the global gradient norm's square, per tensor). */
  sumSquares(x: Float32Array, N: number): number;
  /** AdamW on param, m, v (N) in place from grad (N). */
  adamwUpdate(param: Float32Array, m: Float32Array, v: Float32Array, grad: Float32Array, N: number, args: AdamwArgs): void;
  /** One query per row over cached keys/values 0..lengths[b]-1 of cache row rows[b] (decode and chunked prefill). */
  attentionDecode(
    out: Float32Array, att: Float32Array,
    q: Float32Array, kCache: Float32Array, vCache: Float32Array, rows: Int32Array, lengths: Int32Array,
    B: number, maxT: number, NH: number, NKV: number, hs: number,
  ): void;
}

/** Hyper-parameters of one AdamW update; `step` counts from 1, `gradScale` applies clipping. */
export interface AdamwArgs {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  gradScale: number;
  step: number;
}

/** A compute backend: memory, transfers and every op of the model. */
export interface Backend {
  readonly name: string;

  // --- memory ------------------------------------------------------------------------------------
  /** A zero-filled tensor. */
  alloc(shape: readonly number[], dtype?: DType): Tensor;
  free(t: Tensor): void;
  /** Writes `data` into the first `data.length` elements of t. */
  upload(t: Tensor, data: Float32Array | Int32Array): Done;
  /** A host copy of the first `length` (default all) elements. */
  download(t: Tensor, length?: number): Promise<Float32Array | Int32Array>;
  /** Sets the first `n` (default all) elements to zero. */
  zero(t: Tensor, n?: number): Done;
  /** dst[0..n) = src[0..n). */
  copy(dst: Tensor, src: Tensor, n: number): Done;

  // --- embedding ---------------------------------------------------------------------------------
  /** out (N,C) = wte[tokens] (+ wpe[positions]); tokens, positions (N) int32. */
  encoderForward(out: Tensor, tokens: Tensor, positions: Tensor, wte: Tensor, wpe: Tensor | null, N: number, C: number): Done;
  encoderBackward(dwte: Tensor, dwpe: Tensor | null, dout: Tensor, tokens: Tensor, positions: Tensor, N: number, C: number): Done;
  /** out (M,C) = inp[index[m]], index (M) int32 row numbers. */
  gatherRows(out: Tensor, inp: Tensor, index: Tensor, M: number, C: number): Done;

  // --- norms -------------------------------------------------------------------------------------
  layernormForward(
    out: Tensor, mean: Tensor, rstd: Tensor, inp: Tensor, weight: Tensor, bias: Tensor,
    N: number, C: number, eps: number,
  ): Done;
  layernormBackward(
    dinp: Tensor, dweight: Tensor, dbias: Tensor,
    dout: Tensor, inp: Tensor, weight: Tensor, mean: Tensor, rstd: Tensor,
    N: number, C: number,
  ): Done;
  rmsnormForward(out: Tensor, rstd: Tensor, inp: Tensor, weight: Tensor, N: number, C: number, eps: number): Done;
  rmsnormBackward(dinp: Tensor, dweight: Tensor, dout: Tensor, inp: Tensor, weight: Tensor, rstd: Tensor, N: number, C: number): Done;

  // --- linear (also the value head, OC = 1) -------------------------------------------------------
  matmulForward(out: Tensor, inp: Tensor, weight: Tensor, bias: Tensor | null, N: number, C: number, OC: number): Done;
  matmulBackward(
    dinp: Tensor, dweight: Tensor, dbias: Tensor | null,
    dout: Tensor, inp: Tensor, weight: Tensor,
    N: number, C: number, OC: number,
  ): Done;

  // --- rotary positions (in place; table (maxT,hs) = cos | sin halves) ----------------------------
  ropeForward(x: Tensor, positions: Tensor, table: Tensor, N: number, nHeads: number, hs: number): Done;
  ropeBackward(dx: Tensor, positions: Tensor, table: Tensor, N: number, nHeads: number, hs: number): Done;

  // --- attention ---------------------------------------------------------------------------------
  /** out (B,T,NH*hs), att (B,NH,T,T) from q (B,T,NH,hs), k, v (B,T,NKV,hs), lengths (B) int32. */
  attentionForward(
    out: Tensor, att: Tensor, q: Tensor, k: Tensor, v: Tensor, lengths: Tensor,
    B: number, T: number, NH: number, NKV: number, hs: number,
  ): Done;
  attentionBackward(
    dq: Tensor, dk: Tensor, dv: Tensor,
    dout: Tensor, q: Tensor, k: Tensor, v: Tensor, att: Tensor, lengths: Tensor,
    B: number, T: number, NH: number, NKV: number, hs: number,
  ): Done;
  /** cache (Bc,maxT,D)[rows[b], offsets[b]+t] = inp (B,T,D)[b,t]. */
  cacheWrite(cache: Tensor, inp: Tensor, rows: Tensor, offsets: Tensor, B: number, T: number, maxT: number, D: number): Done;
  /** One query per row over cached keys/values 0..lengths[b]-1 of cache row rows[b]. */
  attentionDecode(
    out: Tensor, att: Tensor, q: Tensor, kCache: Tensor, vCache: Tensor, rows: Tensor, lengths: Tensor,
    B: number, maxT: number, NH: number, NKV: number, hs: number,
  ): Done;

  // --- element-wise ------------------------------------------------------------------------------
  geluForward(out: Tensor, inp: Tensor, N: number): Done;
  geluBackward(dinp: Tensor, dout: Tensor, inp: Tensor, N: number): Done;
  swigluForward(out: Tensor, gate: Tensor, up: Tensor, N: number): Done;
  swigluBackward(dgate: Tensor, dup: Tensor, dout: Tensor, gate: Tensor, up: Tensor, N: number): Done;
  residualForward(out: Tensor, a: Tensor, b: Tensor, N: number): Done;
  /** out (N) += scale · inp (N): LoRA's scaled low-rank branch (and its gradient) added onto a projection. */
  scaledAdd(out: Tensor, inp: Tensor, scale: number, N: number): Done;

  // --- loss side of the LM head ------------------------------------------------------------------
  /** logprobs, entropy, lse (N) from logits (N,V) and targets (N) int32 (< 0: skipped row). */
  logprobsForward(logprobs: Tensor, entropy: Tensor, lse: Tensor, logits: Tensor, targets: Tensor, N: number, V: number): Done;
  logprobsBackward(
    dlogits: Tensor, dlogprobs: Tensor, dentropy: Tensor | null,
    logits: Tensor, targets: Tensor, lse: Tensor, entropy: Tensor,
    N: number, V: number,
  ): Done;

  // --- optimizer ---------------------------------------------------------------------------------
  adamwUpdate(param: Tensor, m: Tensor, v: Tensor, grad: Tensor, N: number, args: AdamwArgs): Done;
  /** Σ x² over every element of every tensor (for the global gradient norm). */
  sumSquares(tensors: readonly Tensor[]): Promise<number>;
}
