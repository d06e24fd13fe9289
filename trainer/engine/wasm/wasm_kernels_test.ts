// The wasm kernels against the TypeScript reference (trainer/engine/cpu/ops) at sizes that hit every
// edge of the blocking: rows, columns and depth that are not multiples of the 4×8 micro tile, more
// than one cache block (M > 128, N > 512, K > 256), the matrix-vector path (BT < 4), padding rows,
// an empty row and grouped-query heads; on one thread and split across two.
//
// Tolerance: the kernels sum in another order than the reference, and the rounding of a K-term f32
// sum of products of values in [-1, 1) grows like √K, so an element passes when
// |wasm - reference| <= 1e-5·√K + 1e-5·|reference| (K = C, OC or BT for the matmul products,
// K = max(T, hs) for attention).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { attentionBackward, attentionForward } from "../cpu/ops/attention.ts";
import { matmulBackward, matmulForward } from "../cpu/ops/matmul.ts";
import { type Comparison, compare, formatComparisons } from "../conformance/compare.ts";
import { createPrng, type Prng } from "../../../core/random/sfc32.ts";
import { createWasmKernels, type WasmKernels } from "./wasm_kernels.ts";

const single = await createWasmKernels({ threads: 1 });
// minWorkPerChunk 0: split every call, however small, so the tests exercise the two-thread path.
const dual = await createWasmKernels({ threads: 2, minWorkPerChunk: 0 });

function filled(kernels: WasmKernels, rng: Prng, n: number): Float32Array {
  const view = kernels.alloc(n);
  for (let i = 0; i < n; i++) view[i] = rng.next() * 2 - 1;
  return view;
}

function check(comparisons: Comparison[]): void {
  const failed = comparisons.filter((c) => !c.ok);
  if (failed.length > 0) console.log(formatComparisons(comparisons));
  assert.equal(failed.map((c) => c.name), []);
}

const tolerance = (K: number) => ({ atol: 1e-5 * Math.sqrt(K), rtol: 1e-5 });

const matmulShapes = [
  [1, 5, 7], // matrix-vector path
  [3, 9, 13],
  [5, 1, 3], // C = 1
  [6, 17, 1], // OC = 1 (the value head)
  [37, 45, 83],
  [133, 300, 530], // two blocks along every dimension, edge tiles in each
];

for (const kernels of [single, dual]) {
  const label = `${kernels.threads} thread${kernels.threads > 1 ? "s" : ""}`;

  for (const [BT, C, OC] of matmulShapes) {
    for (const withBias of [true, false]) {
      test(`matmulForward and matmulBackward match the reference at BT ${BT}, C ${C}, OC ${OC}, ${withBias ? "bias" : "no bias"} (${label})`, () => {
        const rng = createPrng(BT * 7919 + C * 31 + OC, withBias ? 1 : 2);
        const inp = filled(kernels, rng, BT * C), weight = filled(kernels, rng, OC * C);
        const bias = withBias ? filled(kernels, rng, OC) : null;
        const out = filled(kernels, rng, BT * OC); // random: the forward must overwrite every element
        const dout = filled(kernels, rng, BT * OC);
        const dinp = filled(kernels, rng, BT * C), dweight = filled(kernels, rng, OC * C); // random: backward accumulates
        const dbias = withBias ? filled(kernels, rng, OC) : null;
        const expected = { out: out.slice(), dinp: dinp.slice(), dweight: dweight.slice(), dbias: dbias?.slice() ?? null };
        matmulForward(expected.out, inp, weight, bias, BT, C, OC);
        matmulBackward(expected.dinp, expected.dweight, expected.dbias, dout, inp, weight, BT, C, OC);

        kernels.matmulForward(out, inp, weight, bias, BT, C, OC);
        kernels.matmulBackward(dinp, dweight, dbias, dout, inp, weight, BT, C, OC);
        const comparisons = [
          compare("out", expected.out, out, tolerance(C)),
          compare("dinp", expected.dinp, dinp, tolerance(OC)),
          compare("dweight", expected.dweight, dweight, tolerance(BT)),
        ];
        if (dbias && expected.dbias) comparisons.push(compare("dbias", expected.dbias, dbias, tolerance(BT)));
        check(comparisons);
        for (const view of [inp, weight, out, dout, dinp, dweight, ...(bias ? [bias] : []), ...(dbias ? [dbias] : [])]) {
          kernels.free(view);
        }
      });
    }
  }

  const attentionShapes = [
    { B: 3, T: 19, NH: 4, NKV: 2, hs: 5, lengths: [19, 11, 0] }, // GQA, padding rows, an empty row, odd head size
    { B: 2, T: 33, NH: 2, NKV: 1, hs: 16, lengths: [33, 1] },
    { B: 1, T: 8, NH: 3, NKV: 3, hs: 4, lengths: [6] },
  ];
  for (const { B, T, NH, NKV, hs, lengths } of attentionShapes) {
    test(`attentionForward and attentionBackward match the reference at B ${B}, T ${T}, NH ${NH}, NKV ${NKV}, hs ${hs}, lengths ${lengths} (${label})`, () => {
      const rng = createPrng(B * 101 + T * 7 + hs, NH * 10 + NKV);
      const q = filled(kernels, rng, B * T * NH * hs), k = filled(kernels, rng, B * T * NKV * hs);
      const v = filled(kernels, rng, B * T * NKV * hs), dout = filled(kernels, rng, B * T * NH * hs);
      const lengthsView = kernels.allocInt32(B);
      lengthsView.set(lengths);
      const out = filled(kernels, rng, B * T * NH * hs), att = filled(kernels, rng, B * NH * T * T);
      const dq = filled(kernels, rng, q.length), dk = filled(kernels, rng, k.length), dv = filled(kernels, rng, v.length);
      const expected = { out: out.slice(), att: att.slice(), dq: dq.slice(), dk: dk.slice(), dv: dv.slice() };
      attentionForward(expected.out, expected.att, q, k, v, lengthsView, B, T, NH, NKV, hs);
      attentionBackward(expected.dq, expected.dk, expected.dv, dout, q, k, v, expected.att, lengthsView, B, T, NH, NKV, hs);

      kernels.attentionForward(out, att, q, k, v, lengthsView, B, T, NH, NKV, hs);
      kernels.attentionBackward(dq, dk, dv, dout, q, k, v, att, lengthsView, B, T, NH, NKV, hs);
      const t = tolerance(Math.max(T, hs));
      check([
        compare("out", expected.out, out, t),
        compare("att", expected.att, att, t),
        compare("dq", expected.dq, dq, t),
        compare("dk", expected.dk, dk, t),
        compare("dv", expected.dv, dv, t),
      ]);
    });
  }
}

test("a kernel run on two threads gives the same bits for any split size", () => {
  const rng = createPrng(5);
  const [BT, C, OC] = [64, 40, 96];
  const inp = filled(dual, rng, BT * C), weight = filled(dual, rng, OC * C), bias = filled(dual, rng, OC);
  const split = dual.alloc(BT * OC), whole = single.alloc(BT * OC);
  const inp1 = single.alloc(BT * C), weight1 = single.alloc(OC * C), bias1 = single.alloc(OC);
  inp1.set(inp), weight1.set(weight), bias1.set(bias);
  dual.matmulForward(split, inp, weight, bias, BT, C, OC);
  single.matmulForward(whole, inp1, weight1, bias1, BT, C, OC);
  assert.equal(Array.from(split), Array.from(whole));
});

test.after(() => {
  single.dispose();
  dual.dispose();
});

test.run();
