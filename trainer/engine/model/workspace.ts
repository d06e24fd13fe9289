/**
 * Activation and scratch-gradient buffers, allocated once for a capacity (B, T) and reused by every
 * call that fits. A training workspace keeps one set of activations per layer (backward reads them);
 * an inference workspace shares one set across layers (and writes each layer's output over its input).
 */
import type { Backend, Tensor } from "../backend/backend.ts";
import type { ModelConfig } from "../types.ts";
import { headSize } from "./config.ts";
import { LORA_MODULES, type LinearName, type LoraConfig } from "./lora.ts";

/** What one block keeps from its forward pass. Shapes for N = B*T rows. */
export interface LayerActs {
  norm1: Tensor; // (N,C)
  norm1Mean: Tensor | null; // (N) LayerNorm only
  norm1Rstd: Tensor; // (N)
  q: Tensor; // (N,NH*hs), after the q norm (qwen3) and RoPE
  k: Tensor; // (N,NKV*hs), after the k norm (qwen3) and RoPE
  qRaw: Tensor | null; // (N,NH*hs) q projection before the per-head norm, qwen3 only
  kRaw: Tensor | null; // (N,NKV*hs)
  qRstd: Tensor | null; // (N*NH)
  kRstd: Tensor | null; // (N*NKV)
  v: Tensor; // (N,NKV*hs)
  att: Tensor; // (B,NH,T,T)
  attOut: Tensor; // (N,NH*hs)
  res2: Tensor; // (N,C) residual after attention
  norm2: Tensor; // (N,C)
  norm2Mean: Tensor | null;
  norm2Rstd: Tensor;
  up: Tensor; // (N,H)
  gate: Tensor | null; // (N,H) SwiGLU only
  act: Tensor; // (N,H) gelu(up) or silu(gate)*up
  out: Tensor; // (N,C) residual after the MLP
  loraT: Partial<Record<LinearName, Tensor>>; // (N,r) A·inp of each adapted projection
}

/** Gradient scratch of the backward pass. */
export interface GradScratch {
  dres: Tensor; // (N,C) gradient of the residual stream
  dnorm: Tensor; // (N,C)
  dq: Tensor; // (N,NH*hs)
  dk: Tensor; // (N,NKV*hs)
  dv: Tensor; // (N,NKV*hs)
  dqRaw: Tensor | null; // (N,NH*hs) qwen3 only: gradient of the q projection before the per-head norm
  dkRaw: Tensor | null; // (N,NKV*hs)
  dattOut: Tensor; // (N,NH*hs)
  dup: Tensor; // (N,H)
  dgate: Tensor | null; // (N,H)
  dact: Tensor; // (N,H)
  dlogits: Tensor; // (N,V)
  dlogprobs: Tensor; // (N)
  dentropy: Tensor; // (N)
  dvalues: Tensor; // (N)
  loraDu: Tensor | null; // (N,maxOC) scale · gradient of an adapted projection's output
  loraDt: Tensor | null; // (N,r)
}

/** Every buffer of a forward (and, for training, backward) pass at capacity (B, T). */
export interface Workspace {
  B: number;
  T: number;
  tokens: Tensor; // (N) int32
  positions: Tensor; // (N) int32
  targets: Tensor; // (N) int32, next token or -1
  lengths: Tensor; // (B) int32
  encoded: Tensor; // (N,C)
  proj: Tensor; // (N,C) output of o-proj / down-proj before the residual add
  layers: LayerActs[];
  normf: Tensor; // (N,C)
  normfMean: Tensor | null;
  normfRstd: Tensor;
  logits: Tensor; // (N,V)
  logprobs: Tensor; // (N)
  entropy: Tensor; // (N)
  lse: Tensor; // (N)
  values: Tensor; // (N)
  grads: GradScratch | null;
  loraU: Tensor | null; // (N,maxOC) B·(A·inp) before scaling
  all: Tensor[];
}

/**
 * Allocates a workspace for B rows of T tokens; `training` keeps per-layer activations and gradient scratch;
 * `lora` adds the buffers of its adapters; `logits: false` leaves out the (N,V) logits of the full head (a
 * decoder computes the logits of the rows it needs in its own buffer), keeping a one-row placeholder.
 */
export function createWorkspace(
  backend: Backend, config: ModelConfig, B: number, T: number, training: boolean, lora: LoraConfig | null = null,
  options: { logits?: boolean } = {},
): Workspace {
  const { nEmbd: C, nInner: H, nHead: NH, nKvHead: NKV, vocabSize: V } = config;
  const hs = headSize(config);
  const N = B * T;
  const layernorm = config.family === "gpt2";
  const qkNorm = config.family === "qwen3";
  const all: Tensor[] = [];
  const f = (...shape: number[]) => {
    const t = backend.alloc(shape);
    all.push(t);
    return t;
  };
  const int = (...shape: number[]) => {
    const t = backend.alloc(shape, "i32");
    all.push(t);
    return t;
  };
  const encoded = f(N, C);
  const layerActs = (out: Tensor): LayerActs => ({
    norm1: f(N, C),
    norm1Mean: layernorm ? f(N) : null,
    norm1Rstd: f(N),
    q: f(N, NH * hs),
    k: f(N, NKV * hs),
    v: f(N, NKV * hs),
    qRaw: qkNorm ? f(N, NH * hs) : null,
    kRaw: qkNorm ? f(N, NKV * hs) : null,
    qRstd: qkNorm ? f(N * NH) : null,
    kRstd: qkNorm ? f(N * NKV) : null,
    att: f(B, NH, T, T),
    attOut: f(N, NH * hs),
    res2: f(N, C),
    norm2: f(N, C),
    norm2Mean: layernorm ? f(N) : null,
    norm2Rstd: f(N),
    up: f(N, H),
    gate: layernorm ? null : f(N, H),
    act: f(N, H),
    out,
    loraT: Object.fromEntries((lora?.targetModules ?? []).map((m) => [LORA_MODULES[m].name, f(N, lora!.rank)])),
  });
  const maxOC = Math.max(C, H, NH * hs);
  const layers: LayerActs[] = [];
  if (training) for (let l = 0; l < config.nLayer; l++) layers.push(layerActs(f(N, C)));
  else {
    const shared = layerActs(encoded);
    for (let l = 0; l < config.nLayer; l++) layers.push(shared);
  }
  return {
    B,
    T,
    tokens: int(N),
    positions: int(N),
    targets: int(N),
    lengths: int(B),
    encoded,
    proj: f(N, C),
    layers,
    normf: f(N, C),
    normfMean: layernorm ? f(N) : null,
    normfRstd: f(N),
    logits: f(options.logits === false ? 1 : N, V),
    logprobs: f(N),
    entropy: f(N),
    lse: f(N),
    values: f(N),
    grads: training
      ? {
        dres: f(N, C),
        dnorm: f(N, C),
        dq: f(N, NH * hs),
        dk: f(N, NKV * hs),
        dv: f(N, NKV * hs),
        dqRaw: qkNorm ? f(N, NH * hs) : null,
        dkRaw: qkNorm ? f(N, NKV * hs) : null,
        dattOut: f(N, NH * hs),
        dup: f(N, H),
        dgate: layernorm ? null : f(N, H),
        dact: f(N, H),
        dlogits: f(N, V),
        dlogprobs: f(N),
        dentropy: f(N),
        dvalues: f(N),
        loraDu: lora ? f(N, maxOC) : null,
        loraDt: lora ? f(N, lora.rank) : null,
      }
      : null,
    loraU: lora ? f(N, maxOC) : null,
    all,
  };
}

/** The workspace itself when (B, T) fits, else a new one at the larger capacity (the old one is freed). */
export function fitWorkspace(
  backend: Backend, config: ModelConfig, ws: Workspace | null, B: number, T: number, training: boolean,
  lora: LoraConfig | null = null,
): Workspace {
  if (ws && B <= ws.B && T <= ws.T) return ws;
  if (ws) for (const t of ws.all) backend.free(t);
  return createWorkspace(backend, config, Math.max(B, ws?.B ?? 0), Math.max(T, ws?.T ?? 0), training, lora);
}
