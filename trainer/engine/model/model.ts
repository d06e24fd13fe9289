/**
 * `createModel`: the trainable transformer with a value head behind the `Model` contract of
 * `../types.ts`, for GPT-2 and Llama/Qwen2 configs, on any `Backend` (default: the cpu reference).
 */
import type { Generation, Tokenizer } from "../../../core/types.ts";
import type { Backend, Tensor } from "../backend/backend.ts";
import { createCpuBackend } from "../cpu/cpu_backend.ts";
import { ropeTable } from "../cpu/ops/rope.ts";
import { type EngineGenerateOptions, generate } from "../generate/generate.ts";
import { createPrng } from "../random/prng.ts";
import type { ForwardInput, Model, ModelConfig, OptimizerConfig } from "../types.ts";
import { fullBackward } from "./backward.ts";
import { headSize, validateConfig } from "./config.ts";
import { createKvCache, decodeStep, type KvCache, prefill } from "./decode.ts";
import { fullForward, type Net, normForward, selfAttend, trunkForward } from "./forward.ts";
import { compactOutputs, expandGrads, prepareInput, type PreparedInput } from "./inputs.ts";
import { adamwStep, type AdamState, createAdamState } from "./optimizer.ts";
import { bindWeights, initialValues, paramSpecs, type Weights } from "./params.ts";
import { fromHf, type HostTensor, toHf } from "./state_dict.ts";
import { fitWorkspace, type Workspace } from "./workspace.ts";

/** A model of this engine: the `Model` contract plus its backend, full logits and engine generation options. */
export interface EngineModel extends Model {
  readonly backend: Backend;
  logits(input: ForwardInput): Promise<Float32Array>;
  clone(): Promise<EngineModel>;
  generate(contexts: number[][], options: EngineGenerateOptions): Promise<Generation[]>;
  /** Number of parameters (tied embeddings counted once). */
  readonly parameterCount: number;
}

/** What `createModel` needs besides the config. */
export interface CreateModelOptions {
  tokenizer: Tokenizer;
  /** Default: the cpu reference backend. */
  backend?: Backend;
  /** Seeds the initial weights and the default sampling seed. Default 0. */
  seed?: number;
}

const internals = new WeakMap<EngineModel, { params: Tensor[] }>();

/**
 * A freshly initialised model (normal(0, 0.02) weights, residual projections scaled by 1/sqrt(2·nLayer)).
 *
 * @example
 * ```ts
 * const model = await createModel(tinyConfig(tokenizer.vocabSize), { tokenizer, seed: 1 });
 * const out = await model.forward({ tokens, B: 2, T: 16 }, { grad: true });
 * ```
 */
export async function createModel(config: ModelConfig, options: CreateModelOptions): Promise<EngineModel> {
  validateConfig(config);
  const { tokenizer } = options;
  if (tokenizer.vocabSize > config.vocabSize) {
    throw new Error(`createModel: the tokenizer has ${tokenizer.vocabSize} ids but config.vocabSize is ${config.vocabSize}`);
  }
  const backend = options.backend ?? createCpuBackend();
  const seed = options.seed ?? 0;
  const specs = paramSpecs(config);
  const rng = createPrng(seed);
  const params = specs.map((s) => backend.alloc(s.shape));
  for (let i = 0; i < specs.length; i++) await backend.upload(params[i], initialValues(specs[i], rng));
  const shapes = new Map(specs.map((s) => [s.name, s.shape]));
  const named = (tensors: Tensor[]) => new Map(specs.map((s, i) => [s.name, tensors[i]]));
  const hs = headSize(config);
  let table: Tensor | null = null;
  if (config.family !== "gpt2") {
    table = backend.alloc([config.maxSeqLen, hs]);
    await backend.upload(table, ropeTable(config.maxSeqLen, hs, config.ropeTheta, config.ropeScaling));
  }
  const net: Net = { config, backend, weights: bindWeights(config, named(params)), ropeTable: table };

  let grads: Tensor[] | null = null;
  let gradWeights: Weights | null = null;
  let adam: AdamState | null = null;
  let trainWs: Workspace | null = null;
  let inferWs: Workspace | null = null;
  let cache: KvCache | null = null;
  let lastGrad: PreparedInput | null = null;
  let generateCalls = 0;
  // Calls share buffers, so they run one at a time even when the caller does not await them in turn.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <R>(fn: () => Promise<R>): Promise<R> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };
  const upload = async (ws: Workspace, p: PreparedInput) => {
    await backend.upload(ws.tokens, p.tokens);
    await backend.upload(ws.positions, p.positions);
    await backend.upload(ws.targets, p.targets);
    await backend.upload(ws.lengths, p.lengths);
  };
  const hostMap = async (tensors: Tensor[]) => {
    const out = new Map<string, HostTensor>();
    for (let i = 0; i < specs.length; i++) {
      out.set(specs[i].name, { shape: specs[i].shape, data: (await backend.download(tensors[i])) as Float32Array });
    }
    return out;
  };
  const loadInto = async (tensors: Tensor[], hf: Map<string, HostTensor>) => {
    const internal = fromHf(config, hf, shapes);
    for (let i = 0; i < specs.length; i++) {
      const data = internal.get(specs[i].name);
      if (data) await backend.upload(tensors[i], data);
    }
  };
  const exportOptimizerState = async () => {
    adam ??= createAdamState(backend, params);
    const out = new Map<string, HostTensor>();
    for (const [name, t] of toHf(config, await hostMap(adam.m))) out.set(`${name}.exp_avg`, t);
    for (const [name, t] of toHf(config, await hostMap(adam.v))) out.set(`${name}.exp_avg_sq`, t);
    out.set("step", { shape: [1], data: Float32Array.of(adam.step) });
    return out;
  };
  const importOptimizerState = async (state: Map<string, HostTensor>) => {
    const step = state.get("step");
    if (!step || step.data.length !== 1) throw new Error('loadOptimizerState: missing "step" (shape [1])');
    const pick = (suffix: string) =>
      new Map([...state].filter(([k]) => k.endsWith(suffix)).map(([k, t]) => [k.slice(0, -suffix.length), t]));
    adam ??= createAdamState(backend, params);
    await loadInto(adam.m, pick(".exp_avg"));
    await loadInto(adam.v, pick(".exp_avg_sq"));
    adam.step = step.data[0];
  };
  const decoder = {
    vocabSize: config.vocabSize,
    maxSeqLen: config.maxSeqLen,
    prefill: (contexts: number[][], maxT: number) => {
      inferWs = fitWorkspace(backend, config, inferWs, contexts.length, Math.max(...contexts.map((c) => c.length)), false);
      if (!cache || cache.rows < contexts.length || cache.maxT < maxT) {
        if (cache) for (const t of cache.all) backend.free(t);
        cache = createKvCache(backend, config, Math.max(contexts.length, cache?.rows ?? 0), Math.max(maxT, cache?.maxT ?? 0));
      }
      return prefill(net, inferWs, cache, contexts);
    },
    decode: (rows: Int32Array, tokens: Int32Array, positions: Int32Array, B: number) =>
      decodeStep(net, inferWs!, cache!, rows, tokens, positions, B),
  };

  const model: EngineModel = {
    config,
    tokenizer,
    backend,
    parameterCount: specs.reduce((a, s) => a + s.shape.reduce((x, y) => x * y, 1), 0),

    forward: (input, opts = {}) =>
      serial(async () => {
        const prepared = prepareInput(config, input);
        const { B, T } = prepared;
        const ws = opts.grad
          ? (trainWs = fitWorkspace(backend, config, trainWs, B, T, true))
          : (inferWs = fitWorkspace(backend, config, inferWs, B, T, false));
        await upload(ws, prepared);
        await fullForward(net, ws, B, T);
        const N = B * T;
        const logprobs = (await backend.download(ws.logprobs, N)) as Float32Array;
        const entropy = (await backend.download(ws.entropy, N)) as Float32Array;
        const values = (await backend.download(ws.values, N)) as Float32Array;
        if (opts.grad) lastGrad = prepared;
        return {
          logprobs: compactOutputs(logprobs, prepared),
          entropy: compactOutputs(entropy, prepared),
          values: compactOutputs(values, prepared),
        };
      }),

    backward: (outputGrads) =>
      serial(async () => {
        if (!lastGrad || !trainWs) throw new Error("backward: call forward(input, { grad: true }) first");
        const { B, T } = lastGrad;
        const g = trainWs.grads!;
        await backend.upload(g.dlogprobs, expandGrads(outputGrads.logprobs, lastGrad, "grads.logprobs"));
        if (outputGrads.entropy) await backend.upload(g.dentropy, expandGrads(outputGrads.entropy, lastGrad, "grads.entropy"));
        if (outputGrads.values) await backend.upload(g.dvalues, expandGrads(outputGrads.values, lastGrad, "grads.values"));
        if (!grads) {
          grads = specs.map((s) => backend.alloc(s.shape));
          gradWeights = bindWeights(config, named(grads));
        }
        await fullBackward(net, trainWs, gradWeights!, B, T, {
          withEntropy: outputGrads.entropy !== undefined,
          withValues: outputGrads.values !== undefined,
        });
      }),

    logits: (input) =>
      serial(async () => {
        const prepared = prepareInput(config, input);
        const { B, T } = prepared;
        const N = B * T;
        const ws = (inferWs = fitWorkspace(backend, config, inferWs, B, T, false));
        await upload(ws, prepared);
        const x = await trunkForward(net, ws, B, T, selfAttend(net, ws, B, T));
        await normForward(net, ws.normf, ws.normfMean, ws.normfRstd, x, net.weights.normfW, net.weights.normfB, N);
        await backend.matmulForward(ws.logits, ws.normf, net.weights.lmHead, null, N, config.nEmbd, config.vocabSize);
        return (await backend.download(ws.logits, N * config.vocabSize)) as Float32Array;
      }),

    zeroGrad() {
      if (grads) for (const g of grads) backend.zero(g);
    },

    step: (opts: OptimizerConfig & { stepLr?: number }) =>
      serial(() => {
        if (!grads) throw new Error("step: no gradients yet; call forward({ grad: true }) and backward() first");
        adam ??= createAdamState(backend, params);
        return adamwStep(backend, specs, params, grads, adam, opts);
      }),

    generate: (contexts, opts) =>
      serial(() => generate({ decoder, tokenizer }, contexts, { ...opts, seed: opts.seed ?? seed * 7919 + generateCalls++ })),

    clone: () =>
      serial(async () => {
        const copy = await createModel(config, { tokenizer, backend, seed });
        const target = internals.get(copy)!;
        for (let i = 0; i < params.length; i++) await backend.copy(target.params[i], params[i], params[i].size);
        if (adam) await copy.loadOptimizerState(await exportOptimizerState());
        return copy;
      }),

    stateDict: () => serial(async () => toHf(config, await hostMap(params))),

    loadStateDict: (weights) => serial(() => loadInto(params, weights)),

    optimizerState: () => serial(exportOptimizerState),

    loadOptimizerState: (state) => serial(() => importOptimizerState(state)),

    dispose() {
      const owned = [...params, ...(grads ?? []), ...(adam ? [...adam.m, ...adam.v] : [])];
      if (table) owned.push(table);
      for (const ws of [trainWs, inferWs]) if (ws) owned.push(...ws.all);
      if (cache) owned.push(...cache.all);
      for (const t of owned) backend.free(t);
      grads = null;
      adam = null;
      trainWs = inferWs = cache = null;
    },
  };
  internals.set(model, { params });
  return model;
}
