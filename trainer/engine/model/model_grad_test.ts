// The whole model's backward against central differences, test_gpt2.c style but exact: the cpu
// backend runs on Float64Array storage here, so every op is float64 and the check can be tight.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Tensor } from "../backend/backend.ts";
import { createCpuBackend, type CpuTensor } from "../cpu/cpu_backend.ts";
import { ropeTable } from "../cpu/ops/rope.ts";
import { compare } from "../conformance/compare.ts";
import { createPrng } from "../../../core/random/sfc32.ts";
import type { ModelConfig } from "../types.ts";
import { fullBackward } from "./backward.ts";
import { headSize } from "./config.ts";
import { fullForward, type Net } from "./forward.ts";
import { prepareInput } from "./inputs.ts";
import { bindWeights, paramSpecs } from "./params.ts";
import { createWorkspace } from "./workspace.ts";

const backend = createCpuBackend({ alloc: (n) => new Float64Array(n) as unknown as Float32Array });
const data = (t: Tensor) => (t as CpuTensor).data as unknown as Float64Array;

const base = { vocabSize: 13, maxSeqLen: 8, nLayer: 2, nHead: 4, nEmbd: 8, nInner: 12, normEps: 1e-5, ropeTheta: 10000 };
const configs: ModelConfig[] = [
  { ...base, family: "gpt2", nKvHead: 4, qkvBias: false, tieEmbeddings: true },
  { ...base, family: "qwen2", nKvHead: 2, qkvBias: true, tieEmbeddings: false },
  // qwen3: per-head q/k norms, head size 6 while C / NH is 2, tied head
  { ...base, family: "qwen3", nKvHead: 2, headDim: 6, qkvBias: false, tieEmbeddings: true },
];

for (const config of configs) {
  test(`every ${config.family} parameter gradient matches central differences (float64)`, async () => {
    const rng = createPrng(11);
    const specs = paramSpecs(config);
    const params = specs.map((s) => backend.alloc(s.shape));
    params.forEach((p, i) => {
      const d = data(p);
      for (let k = 0; k < d.length; k++) d[k] = (specs[i].init === "ones" ? 1 : 0) + rng.normal() * 0.3;
    });
    const named = (ts: Tensor[]) => new Map(specs.map((s, i) => [s.name, ts[i]]));
    let table: Tensor | null = null;
    if (config.family !== "gpt2") {
      table = backend.alloc([config.maxSeqLen, headSize(config)]);
      backend.upload(table, ropeTable(config.maxSeqLen, headSize(config), config.ropeTheta));
    }
    const net: Net = { config, backend, weights: bindWeights(config, named(params)), ropeTable: table };
    const B = 2, T = 6;
    const prepared = prepareInput(config, {
      tokens: Int32Array.from({ length: B * T }, () => rng.int(13)), B, T, lengths: [6, 4],
    });
    const ws = createWorkspace(backend, config, B, T, true);
    backend.upload(ws.tokens, prepared.tokens);
    backend.upload(ws.positions, prepared.positions);
    backend.upload(ws.targets, prepared.targets);
    backend.upload(ws.lengths, prepared.lengths);
    // L = Σ over valid positions of a·logprob + b·entropy + c·value
    const weights = [0, 1, 2].map(() =>
      Float64Array.from({ length: B * T }, (_, n) => (prepared.targets[n] >= 0 ? rng.next() * 2 - 1 : 0))
    );
    const loss = async () => {
      await fullForward(net, ws, B, T);
      const outs = [ws.logprobs, ws.entropy, ws.values].map(data);
      let l = 0;
      for (let o = 0; o < 3; o++) for (let n = 0; n < B * T; n++) l += weights[o][n] * outs[o][n];
      return l;
    };
    await loss();
    const g = ws.grads!;
    data(g.dlogprobs).set(weights[0]);
    data(g.dentropy).set(weights[1]);
    data(g.dvalues).set(weights[2]);
    const grads = specs.map((s) => backend.alloc(s.shape));
    await fullBackward(net, ws, bindWeights(config, named(grads)), B, T, { withEntropy: true, withValues: true });

    const eps = 1e-6;
    for (let i = 0; i < specs.length; i++) {
      const p = data(params[i]);
      const numeric: number[] = [], analytic: number[] = [];
      for (let s = 0; s < 4; s++) {
        const k = rng.int(p.length);
        const keep = p[k];
        p[k] = keep + eps;
        const plus = await loss();
        p[k] = keep - eps;
        const minus = await loss();
        p[k] = keep;
        numeric.push((plus - minus) / (2 * eps));
        analytic.push(data(grads[i])[k]);
      }
      const c = compare(specs[i].name, numeric, analytic, { atol: 1e-6, rtol: 1e-5 });
      if (!c.ok) console.log(c.name, c.mismatches);
      assert.ok(c.ok, specs[i].name);
    }
  });
}

test.run();
