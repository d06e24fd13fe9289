/**
 * The LoRA branch of a projection, forward and backward, for `forward.ts` and `backward.ts`:
 * out (N,OC) += s · B (A inp) with t = A inp (N,r) kept for the backward, s = alpha / r.
 * Backward: du = s · dout; dB += duᵀ t, dt = du B; dA += dtᵀ inp, dinp += dt A.
 * Both are no-ops for a projection without an adapter or while the adapters are switched off (the reference).
 */
import type { Tensor } from "../backend/backend.ts";
import type { Net } from "./net.ts";
import { loraScale } from "./lora.ts";
import type { LinearName } from "./lora_modules.ts";
import type { LayerWeights } from "./params.ts";
import type { LayerActs, Workspace } from "./workspace.ts";

/** Adds the LoRA branch of projection `name` of a block onto `out` (N,OC) from its input `inp` (N,C). */
export async function loraForward(
  net: Net, ws: Workspace, a: LayerActs, lw: LayerWeights, name: LinearName,
  out: Tensor, inp: Tensor, N: number, C: number, OC: number,
): Promise<void> {
  const adapter = lw.lora[name], t = a.loraT[name];
  if (!net.lora || net.adaptersOff || !adapter || !t || !ws.loraU) return;
  const be = net.backend, r = net.lora.rank;
  await be.matmulForward(t, inp, adapter.a, null, N, C, r); // t (N,r) = inp · Aᵀ
  await be.matmulForward(ws.loraU, t, adapter.b, null, N, r, OC); // u (N,OC) = t · Bᵀ
  await be.scaledAdd(out, ws.loraU, loraScale(net.lora), N * OC);
}

/** Accumulates the adapter gradients of projection `name` into `lg`, and its input gradient into `dinp`. */
export async function loraBackward(
  net: Net, ws: Workspace, a: LayerActs, lw: LayerWeights, lg: LayerWeights, name: LinearName,
  dinp: Tensor, dout: Tensor, inp: Tensor, N: number, C: number, OC: number,
): Promise<void> {
  const adapter = lw.lora[name], grad = lg.lora[name], t = a.loraT[name], g = ws.grads;
  if (!net.lora || net.adaptersOff || !adapter || !grad || !t || !g?.loraDu || !g.loraDt) return;
  const be = net.backend, r = net.lora.rank;
  await be.zero(g.loraDu, N * OC);
  await be.scaledAdd(g.loraDu, dout, loraScale(net.lora), N * OC);
  await be.zero(g.loraDt, N * r);
  await be.matmulBackward(g.loraDt, grad.b, null, g.loraDu, t, adapter.b, N, r, OC);
  await be.matmulBackward(dinp, grad.a, null, g.loraDt, inp, adapter.a, N, C, r);
}
