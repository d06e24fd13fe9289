/**
 * Linear layer: out = inp · weightᵀ + bias, weight in PyTorch `nn.Linear` layout (OC, C).
 * All three products (forward, dinp, dweight) run through one register-blocked kernel `gemmNT`
 * (out (M,N) = a (M,K) · b (N,K)ᵀ, contiguous dot products), with small transposes into scratch.
 */
import { type Floats, scratch } from "./floats.ts";
import { gemmNT, transpose } from "./gemm.ts";

/** out (BT,OC) = inp (BT,C) · weight (OC,C)ᵀ + bias (OC). */
export function matmulForward(
  out: Floats, inp: Floats, weight: Floats, bias: Floats | null,
  BT: number, C: number, OC: number,
): void {
  gemmNT(out, inp, weight, bias, BT, C, OC, false);
}

/** Accumulates dinp (BT,C) += dout · weight, dweight (OC,C) += doutᵀ · inp, dbias (OC) += Σ_rows dout. */
export function matmulBackward(
  dinp: Floats, dweight: Floats, dbias: Floats | null,
  dout: Floats, inp: Floats, weight: Floats,
  BT: number, C: number, OC: number,
): void {
  // dinp (BT,C) += dout (BT,OC) · (weightᵀ (C,OC))ᵀ
  const weightT = scratch(weight, "matmul.weightT", C * OC);
  transpose(weightT, weight, OC, C);
  gemmNT(dinp, dout, weightT, null, BT, OC, C, true);
  // dweight (OC,C) += doutᵀ (OC,BT) · (inpᵀ (C,BT))ᵀ
  const doutT = scratch(dout, "matmul.doutT", OC * BT);
  const inpT = scratch(inp, "matmul.inpT", C * BT);
  transpose(doutT, dout, BT, OC);
  transpose(inpT, inp, BT, C);
  gemmNT(dweight, doutT, inpT, null, OC, BT, C, true);
  if (dbias !== null) {
    for (let i = 0; i < BT; i++) {
      const row = i * OC;
      for (let o = 0; o < OC; o++) dbias[o] += dout[row + o];
    }
  }
}
