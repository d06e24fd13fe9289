/**
 * The transformer's backward pass, the mirror of `forward.ts` read bottom-up. Every backend op
 * accumulates, so scratch gradients are zeroed before use; parameter gradients accumulate across
 * calls (gradient accumulation) until the model's `zeroGrad`. One residual-stream gradient `dres`
 * flows down through all blocks: each residual add passes it on unchanged and each norm adds to it.
 */
import { headSize } from "./config.ts";
import type { Net } from "./forward.ts";
import { loraBackward } from "./lora_ops.ts";
import type { Weights } from "./params.ts";
import type { Workspace } from "./workspace.ts";
import type { Tensor } from "../backend/backend.ts";

async function normBackward(
  net: Net, dinp: Tensor, dweight: Tensor, dbias: Tensor | null,
  dout: Tensor, inp: Tensor, weight: Tensor, mean: Tensor | null, rstd: Tensor, N: number,
): Promise<void> {
  const C = net.config.nEmbd;
  if (mean !== null && dbias !== null) await net.backend.layernormBackward(dinp, dweight, dbias, dout, inp, weight, mean, rstd, N, C);
  else await net.backend.rmsnormBackward(dinp, dweight, dout, inp, weight, rstd, N, C);
}

/**
 * Backward of `fullForward` for the gradients already uploaded into ws.grads (dlogprobs, and dentropy /
 * dvalues when `withEntropy` / `withValues`); accumulates into `grads` (the token embedding's only when
 * `withEmbedding` is not false).
 */
export async function fullBackward(
  net: Net, ws: Workspace, grads: Weights, B: number, T: number,
  options: { withEntropy: boolean; withValues: boolean; withEmbedding?: boolean },
): Promise<void> {
  const { backend: be, config, weights: w } = net;
  const { nEmbd: C, nInner: H, nHead: NH, nKvHead: NKV, vocabSize: V } = config;
  const hs = headSize(config);
  const N = B * T;
  const g = ws.grads!;
  // LM head and value head, into the gradient of the final norm's output
  await be.zero(g.dlogits, N * V);
  await be.logprobsBackward(
    g.dlogits, g.dlogprobs, options.withEntropy ? g.dentropy : null, ws.logits, ws.targets, ws.lse, ws.entropy, N, V,
  );
  await be.zero(g.dnorm, N * C);
  await be.matmulBackward(g.dnorm, grads.lmHead, null, g.dlogits, ws.normf, w.lmHead, N, C, V);
  if (options.withValues) await be.matmulBackward(g.dnorm, grads.vW, grads.vB, g.dvalues, ws.normf, w.vW, N, C, 1);
  const last = ws.layers[config.nLayer - 1].out;
  await be.zero(g.dres, N * C);
  await normBackward(net, g.dres, grads.normfW, grads.normfB, g.dnorm, last, w.normfW, ws.normfMean, ws.normfRstd, N);
  for (let l = config.nLayer - 1; l >= 0; l--) {
    const a = ws.layers[l], lw = w.layers[l], lg = grads.layers[l];
    const x = l === 0 ? ws.encoded : ws.layers[l - 1].out;
    // MLP, backwards
    await be.zero(g.dact, N * H);
    await be.matmulBackward(g.dact, lg.wdown, lg.bdown, g.dres, a.act, lw.wdown, N, H, C);
    await loraBackward(net, ws, a, lw, lg, "down", g.dact, g.dres, a.act, N, H, C);
    await be.zero(g.dup, N * H);
    await be.zero(g.dnorm, N * C);
    if (a.gate !== null && g.dgate !== null && lw.wgate !== null && lg.wgate !== null) {
      await be.zero(g.dgate, N * H);
      await be.swigluBackward(g.dgate, g.dup, g.dact, a.gate, a.up, N * H);
      await be.matmulBackward(g.dnorm, lg.wgate, null, g.dgate, a.norm2, lw.wgate, N, C, H);
      await loraBackward(net, ws, a, lw, lg, "gate", g.dnorm, g.dgate, a.norm2, N, C, H);
    } else {
      await be.geluBackward(g.dup, g.dact, a.up, N * H);
    }
    await be.matmulBackward(g.dnorm, lg.wup, lg.bup, g.dup, a.norm2, lw.wup, N, C, H);
    await loraBackward(net, ws, a, lw, lg, "up", g.dnorm, g.dup, a.norm2, N, C, H);
    await normBackward(net, g.dres, lg.norm2W, lg.norm2B, g.dnorm, a.res2, lw.norm2W, a.norm2Mean, a.norm2Rstd, N);
    // attention, backwards
    await be.zero(g.dattOut, N * NH * hs);
    await be.matmulBackward(g.dattOut, lg.wo, lg.bo, g.dres, a.attOut, lw.wo, N, NH * hs, C);
    await loraBackward(net, ws, a, lw, lg, "o", g.dattOut, g.dres, a.attOut, N, NH * hs, C);
    await be.zero(g.dq, N * NH * hs);
    await be.zero(g.dk, N * NKV * hs);
    await be.zero(g.dv, N * NKV * hs);
    await be.attentionBackward(g.dq, g.dk, g.dv, g.dattOut, a.q, a.k, a.v, a.att, ws.lengths, B, T, NH, NKV, hs);
    if (net.ropeTable !== null) {
      await be.ropeBackward(g.dq, ws.positions, net.ropeTable, N, NH, hs);
      await be.ropeBackward(g.dk, ws.positions, net.ropeTable, N, NKV, hs);
    }
    let dqProj = g.dq, dkProj = g.dk;
    if (a.qRaw !== null && a.kRaw !== null && g.dqRaw !== null && g.dkRaw !== null && lw.qNormW !== null && lw.kNormW !== null) {
      // qwen3: through the per-head q/k norms, into the gradients of the projections' outputs
      await be.zero(g.dqRaw, N * NH * hs);
      await be.zero(g.dkRaw, N * NKV * hs);
      await be.rmsnormBackward(g.dqRaw, lg.qNormW!, g.dq, a.qRaw, lw.qNormW, a.qRstd!, N * NH, hs);
      await be.rmsnormBackward(g.dkRaw, lg.kNormW!, g.dk, a.kRaw, lw.kNormW, a.kRstd!, N * NKV, hs);
      dqProj = g.dqRaw;
      dkProj = g.dkRaw;
    }
    await be.zero(g.dnorm, N * C);
    await be.matmulBackward(g.dnorm, lg.wq, lg.bq, dqProj, a.norm1, lw.wq, N, C, NH * hs);
    await loraBackward(net, ws, a, lw, lg, "q", g.dnorm, dqProj, a.norm1, N, C, NH * hs);
    await be.matmulBackward(g.dnorm, lg.wk, lg.bk, dkProj, a.norm1, lw.wk, N, C, NKV * hs);
    await loraBackward(net, ws, a, lw, lg, "k", g.dnorm, dkProj, a.norm1, N, C, NKV * hs);
    await be.matmulBackward(g.dnorm, lg.wv, lg.bv, g.dv, a.norm1, lw.wv, N, C, NKV * hs);
    await loraBackward(net, ws, a, lw, lg, "v", g.dnorm, g.dv, a.norm1, N, C, NKV * hs);
    await normBackward(net, g.dres, lg.norm1W, lg.norm1B, g.dnorm, x, lw.norm1W, a.norm1Mean, a.norm1Rstd, N);
  }
  // a frozen embedding (LoRA) needs no gradient, and nothing lies below it
  if (options.withEmbedding !== false) await be.encoderBackward(grads.wte, grads.wpe, g.dres, ws.tokens, ws.positions, N, C);
}
