/**
 * The engine's contract with the trainer: a trainable decoder-only transformer with a value head.
 * The trainer (SFT, PPO, GRPO) only uses what is declared here; backends (cpu, wasm, webgpu) sit behind it.
 *
 * Shapes: B batch, T time (tokens per row), V vocabulary, C channels.
 */
import type { Policy, Tokenizer } from "../../core/types.ts";

/** Llama 3.x RoPE scaling: long wavelengths are slowed by `factor`, short ones kept, the band between blended. */
export interface RopeScaling {
  type: "llama3";
  factor: number;
  lowFreqFactor: number;
  highFreqFactor: number;
  originalMaxPositionEmbeddings: number;
}

/** Model architecture, with Hugging Face `config.json` meaning. */
export interface ModelConfig {
  /**
   * "gpt2" (learned positions, LayerNorm, GELU, biases, tied embeddings) or "llama" / "qwen2" / "qwen3" (RoPE, RMSNorm,
   * SwiGLU, GQA); "qwen3" adds a per-head RMSNorm on q and k before RoPE (`q_norm`, `k_norm`).
   */
  family: "gpt2" | "llama" | "qwen2" | "qwen3";
  vocabSize: number;
  /** Maximum sequence length (positions). */
  maxSeqLen: number;
  nLayer: number;
  nHead: number;
  /** Key/value heads (grouped-query attention); equals nHead for GPT-2. */
  nKvHead: number;
  /** Channels C. */
  nEmbd: number;
  /** Head size hs (HF `head_dim`); absent means nEmbd / nHead. Qwen3 uses 128 with nEmbd / nHead = 64 at 0.6B. */
  headDim?: number;
  /** Hidden size of the MLP. */
  nInner: number;
  /** Epsilon of LayerNorm / RMSNorm. */
  normEps: number;
  ropeTheta: number;
  /** Llama 3.x RoPE frequency scaling (`rope_scaling` with `rope_type: "llama3"`); absent or null for plain RoPE. */
  ropeScaling?: RopeScaling | null;
  /** Bias on q/k/v projections (Qwen2). */
  qkvBias: boolean;
  /** Output head shares the token embedding. */
  tieEmbeddings: boolean;
}

/** A batch of right-padded token rows. */
export interface ForwardInput {
  /** (B, T) token ids, row-major; positions past `lengths[b]` are padding. */
  tokens: Int32Array;
  B: number;
  T: number;
  /** Valid tokens per row (attention never looks at padding). Defaults to T for every row. */
  lengths?: number[];
}

/** Per-position outputs; position t scores token t+1 given tokens 0..t. */
export interface ForwardOutput {
  /** (B, T-1): log p(tokens[b, t+1] | tokens[b, 0..t]). */
  logprobs: Float32Array;
  /** (B, T-1): entropy of the next-token distribution at t. */
  entropy: Float32Array;
  /** (B, T-1): value-head output at t (the state before token t+1 is chosen). */
  values: Float32Array;
}

/** Gradients of the loss with respect to the forward outputs. */
export interface OutputGrads {
  /** (B, T-1) dL/dlogprobs. */
  logprobs: Float32Array;
  /** (B, T-1) dL/dvalues; omitted when the loss has no value term. */
  values?: Float32Array;
  /** (B, T-1) dL/dentropy; omitted when the loss has no entropy term. */
  entropy?: Float32Array;
}

/** AdamW with global-norm clipping and a schedule (the optimizer state lives with the model). */
export interface OptimizerConfig {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** Clip the global gradient norm to this; 0 or Infinity turns clipping off. */
  maxGradNorm: number;
}

/** A trainable model: forward, backward, optimizer step, generation, cloning and weights IO. */
export interface Model extends Policy {
  readonly config: ModelConfig;
  readonly tokenizer: Tokenizer;
  /** Forward over a batch. With `{ grad: true }` it keeps what `backward` needs. */
  forward(input: ForwardInput, options?: { grad?: boolean }): Promise<ForwardOutput>;
  /** Accumulates parameter gradients for the last `forward({ grad: true })`. */
  backward(grads: OutputGrads): Promise<void>;
  /** Full next-token logits (B, T, V) of a batch, row-major (no gradient); the engine's models have it. */
  logits?(input: ForwardInput): Promise<Float32Array>;
  zeroGrad(): void;
  /** One AdamW step on the accumulated gradients, `lr` overriding the configured rate; returns the pre-clip gradient norm. */
  step(options: OptimizerConfig & { stepLr?: number }): Promise<{ gradNorm: number }>;
  /** A deep copy that shares nothing mutable (the frozen reference model of PPO/GRPO). */
  clone(): Promise<Model>;
  /** Parameters by Hugging Face name, as host arrays (copies for device backends). */
  stateDict(): Promise<Map<string, { shape: number[]; data: Float32Array }>>;
  loadStateDict(weights: Map<string, { shape: number[]; data: Float32Array }>): Promise<void>;
  /** Optimizer moments and step, for resuming. */
  optimizerState(): Promise<Map<string, { shape: number[]; data: Float32Array }>>;
  loadOptimizerState(state: Map<string, { shape: number[]; data: Float32Array }>): Promise<void>;
  /** Frees device memory. */
  dispose(): void;
}
