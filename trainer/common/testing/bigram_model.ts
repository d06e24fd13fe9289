/**
 * A test fixture: a bigram "transformer" that honours the whole `Model` contract (forward, backward, AdamW,
 * clone, state IO, seeded generation with stop strings) in a few lines, so the trainer's loops can be
 * tested fast and without the engine. Logits at position t are a row of a (V, V) table picked by token t;
 * the value at t is a (V) table entry.
 */
import type { Generation, GenerateOptions, Tokenizer } from "../../../core/types.ts";
import type { ForwardInput, ForwardOutput, Model, ModelConfig, OptimizerConfig, OutputGrads } from "../../engine/types.ts";
import { createRng } from "../../../core/random/xoshiro128.ts";

type Tensors = Map<string, { shape: number[]; data: Float32Array }>;

/** A character tokenizer over `alphabet` plus pad (id 0) and eos (id 1). */
export function fixtureTokenizer(alphabet: string): Tokenizer {
  const chars = [...alphabet];
  return {
    vocabSize: chars.length + 2,
    specialTokens: { "<pad>": 0, "<eos>": 1 },
    padId: 0,
    eosId: 1,
    bosId: null,
    encode: (text) =>
      [...text].map((c) => {
        const id = chars.indexOf(c);
        if (id < 0) throw new Error(`fixture tokenizer: "${c}" is not in the alphabet "${alphabet}"`);
        return id + 2;
      }),
    decode: (ids) => Array.from(ids, (id) => (id >= 2 ? chars[id - 2] : "")).join(""),
  };
}

/** A bigram model with a value table, seeded. */
export function bigramModel(tokenizer: Tokenizer, options: { seed: number; maxSeqLen?: number }): Model {
  const V = tokenizer.vocabSize;
  const rng = createRng({ seed: options.seed });
  const weights: Tensors = new Map([
    ["logits", { shape: [V, V], data: Float32Array.from({ length: V * V }, () => (rng.next() - 0.5) * 0.1) }],
    ["value", { shape: [V], data: new Float32Array(V) }],
  ]);
  return build(tokenizer, weights, options.maxSeqLen ?? 64);
}

function build(tokenizer: Tokenizer, weights: Tensors, maxSeqLen: number): Model {
  const V = tokenizer.vocabSize;
  const W = weights.get("logits")!.data;
  const U = weights.get("value")!.data;
  const gradW = new Float32Array(V * V);
  const gradU = new Float32Array(V);
  const moments: Tensors = new Map([
    ["m.logits", { shape: [V, V], data: new Float32Array(V * V) }],
    ["v.logits", { shape: [V, V], data: new Float32Array(V * V) }],
    ["m.value", { shape: [V], data: new Float32Array(V) }],
    ["v.value", { shape: [V], data: new Float32Array(V) }],
    ["step", { shape: [1], data: new Float32Array(1) }],
  ]);
  let saved: ForwardInput | null = null;
  const probsOf = (token: number, temperature = 1) => {
    const row = W.subarray(token * V, token * V + V);
    let max = -Infinity;
    for (const x of row) max = Math.max(max, x / temperature);
    const p = Array.from(row, (x) => Math.exp(x / temperature - max));
    const sum = p.reduce((a, b) => a + b, 0);
    return p.map((x) => x / sum);
  };
  const config: ModelConfig = {
    family: "gpt2", vocabSize: V, maxSeqLen, nLayer: 0, nHead: 1, nKvHead: 1, nEmbd: V, nInner: V,
    normEps: 1e-5, ropeTheta: 10000, qkvBias: false, tieEmbeddings: false,
  };
  const model: Model = {
    config,
    tokenizer,
    forward(input: ForwardInput, options?: { grad?: boolean }): Promise<ForwardOutput> {
      const { B, T, tokens } = input;
      const logprobs = new Float32Array(B * (T - 1));
      const entropy = new Float32Array(B * (T - 1));
      const values = new Float32Array(B * (T - 1));
      for (let b = 0; b < B; b++) {
        for (let t = 0; t < T - 1; t++) {
          const p = probsOf(tokens[b * T + t]);
          const i = b * (T - 1) + t;
          logprobs[i] = Math.log(p[tokens[b * T + t + 1]]);
          entropy[i] = -p.reduce((a, q) => a + (q > 0 ? q * Math.log(q) : 0), 0);
          values[i] = U[tokens[b * T + t]];
        }
      }
      saved = options?.grad ? input : null;
      return Promise.resolve({ logprobs, entropy, values });
    },
    backward(grads: OutputGrads): Promise<void> {
      if (!saved) throw new Error("backward() needs a forward({ grad: true }) first");
      const { B, T, tokens } = saved;
      for (let b = 0; b < B; b++) {
        for (let t = 0; t < T - 1; t++) {
          const i = b * (T - 1) + t;
          const token = tokens[b * T + t];
          const g = grads.logprobs[i];
          if (g !== 0) {
            const p = probsOf(token);
            const next = tokens[b * T + t + 1];
            for (let j = 0; j < V; j++) gradW[token * V + j] += g * ((j === next ? 1 : 0) - p[j]);
          }
          if (grads.values) gradU[token] += grads.values[i];
        }
      }
      return Promise.resolve();
    },
    zeroGrad() {
      gradW.fill(0);
      gradU.fill(0);
    },
    step(options: OptimizerConfig & { stepLr?: number }): Promise<{ gradNorm: number }> {
      let norm = 0;
      for (const g of gradW) norm += g * g;
      for (const g of gradU) norm += g * g;
      norm = Math.sqrt(norm);
      const clip = options.maxGradNorm > 0 && norm > options.maxGradNorm ? options.maxGradNorm / norm : 1;
      const stepCount = ++moments.get("step")!.data[0];
      const lr = options.stepLr ?? options.lr;
      const update = (param: Float32Array, grad: Float32Array, name: string) => {
        const m = moments.get(`m.${name}`)!.data;
        const v = moments.get(`v.${name}`)!.data;
        for (let i = 0; i < param.length; i++) {
          const g = grad[i] * clip;
          m[i] = options.beta1 * m[i] + (1 - options.beta1) * g;
          v[i] = options.beta2 * v[i] + (1 - options.beta2) * g * g;
          const mHat = m[i] / (1 - options.beta1 ** stepCount);
          const vHat = v[i] / (1 - options.beta2 ** stepCount);
          param[i] -= lr * (mHat / (Math.sqrt(vHat) + options.eps) + options.weightDecay * param[i]);
        }
      };
      update(W, gradW, "logits");
      update(U, gradU, "value");
      return Promise.resolve({ gradNorm: norm });
    },
    clone: () => Promise.resolve(build(tokenizer, copy(weights), maxSeqLen)),
    stateDict: () => Promise.resolve(copy(weights)),
    loadStateDict(state: Tensors) {
      W.set(state.get("logits")!.data);
      U.set(state.get("value")!.data);
      return Promise.resolve();
    },
    optimizerState: () => Promise.resolve(copy(moments)),
    loadOptimizerState(state: Tensors) {
      for (const [name, tensor] of state) moments.get(name)!.data.set(tensor.data);
      return Promise.resolve();
    },
    dispose() {},
    generate(contexts: number[][], options: GenerateOptions): Promise<Generation[]> {
      const sampler = createRng({ seed: options.seed ?? 0 });
      return Promise.resolve(contexts.map((context, c) => {
        const limit = Array.isArray(options.maxNewTokens) ? options.maxNewTokens[c] : options.maxNewTokens;
        const tokens: number[] = [];
        const logprobs: number[] = [];
        let last = context[context.length - 1];
        let finishReason: Generation["finishReason"] = "length";
        while (tokens.length < limit) {
          const temperature = options.temperature ?? 1;
          const p = probsOf(last, temperature > 0 ? temperature : 1);
          let next = 0;
          if (temperature === 0) next = p.indexOf(Math.max(...p));
          else {
            let u = sampler.next();
            while (next < V - 1 && u >= p[next]) u -= p[next++];
          }
          tokens.push(next);
          logprobs.push(Math.log(p[next]));
          last = next;
          if (next === tokenizer.eosId) {
            finishReason = "eos";
            break;
          }
          const text = tokenizer.decode(tokens);
          if (options.stop?.some((s) => text.endsWith(s))) {
            finishReason = "stop";
            break;
          }
        }
        return { tokens, logprobs, finishReason };
      }));
    },
  };
  return model;
}

function copy(tensors: Tensors): Tensors {
  return new Map([...tensors].map(([name, t]) => [name, { shape: [...t.shape], data: t.data.slice() }]));
}
