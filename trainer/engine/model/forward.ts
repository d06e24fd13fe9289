/**
 * The transformer's forward pass, one code path for both families, written against `Backend`.
 * How a block attends is passed in, so training, prefill (which also fills a KV cache) and
 * one-token decode share everything else.
 *
 * Shapes: B batch, T time, N = B*T, C channels, NH/NKV heads, hs head size, H MLP hidden, V vocabulary.
 */
import type { Backend, Tensor } from "../backend/backend.ts";
import { headSize } from "./config.ts";
import { loraForward } from "./lora_ops.ts";
import type { LayerActs, Workspace } from "./workspace.ts";

export type { Net } from "./net.ts";
import type { Net } from "./net.ts";

/** Runs attention of block `layer` for the rows in `acts` (q, k, v filled; writes attOut). */
export type Attend = (layer: number, acts: LayerActs) => Promise<void>;

/** The standard attention: causal over the batch itself, padding masked by `ws.lengths`. */
export function selfAttend(net: Net, ws: Workspace, B: number, T: number): Attend {
  const { nHead: NH, nKvHead: NKV } = net.config;
  const hs = headSize(net.config);
  return async (_layer, a) => {
    await net.backend.attentionForward(a.attOut, a.att, a.q, a.k, a.v, ws.lengths, B, T, NH, NKV, hs);
  };
}

/** LayerNorm (gpt2) or RMSNorm (llama/qwen2): out (N,C) from inp (N,C). */
export async function normForward(
  net: Net, out: Tensor, mean: Tensor | null, rstd: Tensor, inp: Tensor, weight: Tensor, bias: Tensor | null, N: number,
): Promise<void> {
  const { nEmbd: C, normEps } = net.config;
  if (mean !== null && bias !== null) await net.backend.layernormForward(out, mean, rstd, inp, weight, bias, N, C, normEps);
  else await net.backend.rmsnormForward(out, rstd, inp, weight, N, C, normEps);
}

/**
 * Embeds ws.tokens at ws.positions and runs every block over N = B*T rows; returns the last
 * residual stream (N,C) (before the final norm). Inputs must already be uploaded.
 */
export async function trunkForward(net: Net, ws: Workspace, B: number, T: number, attend: Attend): Promise<Tensor> {
  const { backend: be, config, weights: w } = net;
  const { nEmbd: C, nInner: H, nHead: NH, nKvHead: NKV } = config;
  const hs = headSize(config);
  const N = B * T;
  await be.encoderForward(ws.encoded, ws.tokens, ws.positions, w.wte, w.wpe, N, C);
  let x = ws.encoded;
  for (let l = 0; l < config.nLayer; l++) {
    const a = ws.layers[l], lw = w.layers[l];
    // attention: norm, q/k/v projections (qwen3: per-head q/k norms), rotary positions, attention, output projection, residual
    await normForward(net, a.norm1, a.norm1Mean, a.norm1Rstd, x, lw.norm1W, lw.norm1B, N);
    if (a.qRaw !== null && a.kRaw !== null && a.qRstd !== null && a.kRstd !== null && lw.qNormW !== null && lw.kNormW !== null) {
      // qwen3: RMSNorm over each head's hs channels of q and k, i.e. over N*NH (N*NKV) rows of hs
      await be.matmulForward(a.qRaw, a.norm1, lw.wq, lw.bq, N, C, NH * hs);
      await loraForward(net, ws, a, lw, "q", a.qRaw, a.norm1, N, C, NH * hs);
      await be.matmulForward(a.kRaw, a.norm1, lw.wk, lw.bk, N, C, NKV * hs);
      await loraForward(net, ws, a, lw, "k", a.kRaw, a.norm1, N, C, NKV * hs);
      await be.rmsnormForward(a.q, a.qRstd, a.qRaw, lw.qNormW, N * NH, hs, config.normEps);
      await be.rmsnormForward(a.k, a.kRstd, a.kRaw, lw.kNormW, N * NKV, hs, config.normEps);
    } else {
      await be.matmulForward(a.q, a.norm1, lw.wq, lw.bq, N, C, NH * hs);
      await loraForward(net, ws, a, lw, "q", a.q, a.norm1, N, C, NH * hs);
      await be.matmulForward(a.k, a.norm1, lw.wk, lw.bk, N, C, NKV * hs);
      await loraForward(net, ws, a, lw, "k", a.k, a.norm1, N, C, NKV * hs);
    }
    await be.matmulForward(a.v, a.norm1, lw.wv, lw.bv, N, C, NKV * hs);
    await loraForward(net, ws, a, lw, "v", a.v, a.norm1, N, C, NKV * hs);
    if (net.ropeTable !== null) {
      await be.ropeForward(a.q, ws.positions, net.ropeTable, N, NH, hs);
      await be.ropeForward(a.k, ws.positions, net.ropeTable, N, NKV, hs);
    }
    await attend(l, a);
    await be.matmulForward(ws.proj, a.attOut, lw.wo, lw.bo, N, NH * hs, C);
    await loraForward(net, ws, a, lw, "o", ws.proj, a.attOut, N, NH * hs, C);
    await be.residualForward(a.res2, x, ws.proj, N * C);
    // MLP: norm, up (and gate), GELU or SwiGLU, down projection, residual
    await normForward(net, a.norm2, a.norm2Mean, a.norm2Rstd, a.res2, lw.norm2W, lw.norm2B, N);
    await be.matmulForward(a.up, a.norm2, lw.wup, lw.bup, N, C, H);
    await loraForward(net, ws, a, lw, "up", a.up, a.norm2, N, C, H);
    if (a.gate !== null && lw.wgate !== null) {
      await be.matmulForward(a.gate, a.norm2, lw.wgate, null, N, C, H);
      await loraForward(net, ws, a, lw, "gate", a.gate, a.norm2, N, C, H);
      await be.swigluForward(a.act, a.gate, a.up, N * H);
    } else {
      await be.geluForward(a.act, a.up, N * H);
    }
    await be.matmulForward(ws.proj, a.act, lw.wdown, lw.bdown, N, H, C);
    await loraForward(net, ws, a, lw, "down", ws.proj, a.act, N, H, C);
    await be.residualForward(a.out, a.res2, ws.proj, N * C);
    x = a.out;
  }
  return x;
}

/**
 * The training/scoring forward over uploaded inputs: trunk, final norm, LM head logits (N,V),
 * gathered logprobs and entropies (N), and values (N).
 */
export async function fullForward(net: Net, ws: Workspace, B: number, T: number): Promise<void> {
  const { backend: be, config, weights: w } = net;
  const N = B * T;
  const x = await trunkForward(net, ws, B, T, selfAttend(net, ws, B, T));
  await normForward(net, ws.normf, ws.normfMean, ws.normfRstd, x, w.normfW, w.normfB, N);
  await be.matmulForward(ws.logits, ws.normf, w.lmHead, null, N, config.nEmbd, config.vocabSize);
  await be.logprobsForward(ws.logprobs, ws.entropy, ws.lse, ws.logits, ws.targets, N, config.vocabSize);
  await be.matmulForward(ws.values, ws.normf, w.vW, w.vB, N, config.nEmbd, 1);
}
