/**
 * `createModel`: the trainable transformer with a value head behind the `Model` contract of
 * `../types.ts`, for GPT-2 and Llama/Qwen2 configs, on any `Backend` (default: the cpu reference).
 */
import type { Generation, Tokenizer } from "../../../core/types.ts";
import type { Backend, Tensor } from "../backend/backend.ts";
import { createCpuBackend } from "../cpu/cpu_backend.ts";
import { ropeTable } from "../cpu/ops/rope.ts";
import { type EngineGenerateOptions, generate } from "../generate/generate.ts";
import { createStepBatcher } from "../generate/step_batcher.ts";
import { createPrng } from "../../../core/random/sfc32.ts";
import type { ForwardInput, ForwardOutput, Model, ModelConfig, OptimizerConfig } from "../types.ts";
import { fullBackward } from "./backward.ts";
import { headSize, validateConfig } from "./config.ts";
import { createEngineDecoder, type PrefixCacheOptions, type PrefixCacheStats } from "./engine_decoder.ts";
import { type LoraConfig, loraSpecs, peftName, validateLora } from "./lora.ts";
import { fullForward, type Net, normForward, selfAttend, trunkForward } from "./forward.ts";
import { compactOutputs, expandGrads, prepareInput, type PreparedInput } from "./inputs.ts";
import { adamwStep, type AdamState, createAdamState } from "./optimizer.ts";
import { bindWeights, initialValues, paramSpecs, type Weights } from "./params.ts";
import { fromHf, type HostTensor, toHf } from "./state_dict.ts";
import { fitWorkspace, type Workspace } from "./workspace.ts";

/** A model of this engine: the `Model` contract plus its backend, full logits and engine generation options. */
export interface EngineModel extends Model {
  readonly backend: Backend;
  /** The LoRA adapters' config, or null for a model without adapters (every parameter trains). */
  readonly lora: LoraConfig | null;
  /** Forward with `{ adapters: false }` runs the base model (LoRA switched off); gradients need adapters on. */
  forward(input: ForwardInput, options?: { grad?: boolean; adapters?: boolean }): Promise<ForwardOutput>;
  /** The adapters by PEFT name (`base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight`), host copies. */
  adapterState(): Promise<Map<string, HostTensor>>;
  /** Loads adapters by PEFT name; throws listing missing or unexpected names. */
  loadAdapterState(adapters: Map<string, HostTensor>): Promise<void>;
  /** The base model without adapters, sharing the weights (PPO/GRPO's reference under LoRA): forward and logits only. */
  baseModel(): Model;
  logits(input: ForwardInput): Promise<Float32Array>;
  clone(): Promise<EngineModel>;
  generate(contexts: number[][], options: EngineGenerateOptions): Promise<Generation[]>;
  /**
   * True while the prefix cache is on: concurrent `generate` calls then share decode steps (each row joins
   * at the next step and leaves when it finishes), so the rollout loop calls once per ready episode.
   */
  readonly batchesConcurrentCalls: boolean;
  /** Number of parameters (tied embeddings counted once). */
  readonly parameterCount: number;
  /** The prefix KV cache of `generate`: its counters, `clear()` for a cold start, `setBudget(bytes)` (0: off) between calls. */
  readonly prefixCache: { stats(): PrefixCacheStats; clear(): void; setBudget(bytes: number): Promise<void> };
}

/** What `createModel` needs besides the config. */
export interface CreateModelOptions {
  tokenizer: Tokenizer;
  /** Default: the cpu reference backend. */
  backend?: Backend;
  /** Seeds the initial weights and the default sampling seed. Default 0. */
  seed?: number;
  /** LoRA adapters on the named projections: then only the adapters and the value head train. */
  lora?: LoraConfig | null;
  /** The prefix KV cache across `generate` calls (default on, 256 MiB); `{ budgetBytes: 0 }` turns it off. */
  prefixCache?: PrefixCacheOptions;
  /**
   * Leave every parameter zero instead of drawing random values (for callers that load all weights next: drawing
   * Qwen3-0.6B's 596 M values takes minutes in JavaScript). Default false.
   */
  skipInit?: boolean;
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
  const lora = options.lora ? validateLora(config, options.lora) : null;
  const specs = [...paramSpecs(config), ...(lora ? loraSpecs(config, lora) : [])];
  // under LoRA only the adapters and the value head take optimizer steps
  const trainable = specs.map((s, i) => (!lora || s.name.includes(".lora_") || s.name.startsWith("v_head.") ? i : -1)).filter((i) => i >= 0);
  const rng = createPrng(seed);
  const params = specs.map((s) => backend.alloc(s.shape));
  for (let i = 0; i < specs.length; i++) {
    if (options.skipInit) await backend.zero(params[i]);
    else await backend.upload(params[i], initialValues(specs[i], rng));
  }
  const shapes = new Map(specs.map((s) => [s.name, s.shape]));
  const named = (tensors: Tensor[]) => new Map(specs.map((s, i) => [s.name, tensors[i]]));
  const hs = headSize(config);
  let table: Tensor | null = null;
  if (config.family !== "gpt2") {
    table = backend.alloc([config.maxSeqLen, hs]);
    await backend.upload(table, ropeTable(config.maxSeqLen, hs, config.ropeTheta, config.ropeScaling));
  }
  const net: Net = { config, backend, weights: bindWeights(config, named(params)), ropeTable: table, lora, adaptersOff: false };

  let grads: Tensor[] | null = null;
  let gradWeights: Weights | null = null;
  let adam: AdamState | null = null;
  let trainWs: Workspace | null = null;
  let inferWs: Workspace | null = null;
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
  const hostMap = async (tensors: Tensor[], indices: number[] = specs.map((_, i) => i)) => {
    const out = new Map<string, HostTensor>();
    for (const i of indices) {
      out.set(specs[i].name, { shape: specs[i].shape, data: (await backend.download(tensors[i])) as Float32Array });
    }
    return out;
  };
  const adapterIndices = specs.map((s, i) => (s.name.includes(".lora_") ? i : -1)).filter((i) => i >= 0);
  const pick = (tensors: Tensor[]) => trainable.map((i) => tensors[i]);
  const loadInto = async (tensors: Tensor[], hf: Map<string, HostTensor>) => {
    const internal = fromHf(config, hf, shapes);
    for (let i = 0; i < specs.length; i++) {
      const data = internal.get(specs[i].name);
      if (data) await backend.upload(tensors[i], data);
    }
  };
  // Under LoRA: adapters by PEFT name, the value head by HF name; otherwise every parameter by HF name
  const externalName = (i: number) =>
    specs[i].name.includes(".lora_") ? peftName(specs[i].name) : `v_head.summary.${specs[i].name.slice("v_head.".length)}`;
  const loadIndices = async (tensors: Tensor[], named: Map<string, HostTensor>, indices: number[], what: string) => {
    const expected = new Set(indices.map(externalName));
    const missing = [...expected].filter((k) => !named.has(k));
    const unexpected = [...named.keys()].filter((k) => !expected.has(k));
    if (missing.length > 0 || unexpected.length > 0) {
      throw new Error(
        `${what}: missing [${missing.slice(0, 6).join(", ")}], unexpected [${unexpected.slice(0, 6).join(", ")}]; check rank and target modules`,
      );
    }
    for (const i of indices) {
      const t = named.get(externalName(i))!;
      if (t.data.length !== params[i].size) {
        throw new Error(`${what}: "${externalName(i)}" has shape [${t.shape}] but the adapter needs [${specs[i].shape}]`);
      }
      await backend.upload(tensors[i], t.data);
    }
  };
  const loadNamed = (tensors: Tensor[], named: Map<string, HostTensor>) =>
    lora ? loadIndices(tensors, named, trainable, "loadOptimizerState") : loadInto(tensors, named);
  // Adam moments, one per trainable parameter, spread over the full parameter list for naming
  const spread = (moments: Tensor[]) => {
    const full: Tensor[] = [...params];
    trainable.forEach((i, k) => (full[i] = moments[k]));
    return full;
  };
  const hfNamed = async (tensors: Tensor[]) => {
    const host = await hostMap(tensors, trainable);
    const out = toHf(config, host);
    for (const [name, t] of host) if (name.includes(".lora_")) out.set(peftName(name), t);
    return out;
  };
  const exportOptimizerState = async () => {
    adam ??= createAdamState(backend, pick(params));
    const out = new Map<string, HostTensor>();
    for (const [name, t] of await hfNamed(spread(adam.m))) out.set(`${name}.exp_avg`, t);
    for (const [name, t] of await hfNamed(spread(adam.v))) out.set(`${name}.exp_avg_sq`, t);
    out.set("step", { shape: [1], data: Float32Array.of(adam.step) });
    return out;
  };
  const importOptimizerState = async (state: Map<string, HostTensor>) => {
    const step = state.get("step");
    if (!step || step.data.length !== 1) throw new Error('loadOptimizerState: missing "step" (shape [1])');
    const select = (suffix: string) =>
      new Map([...state].filter(([k]) => k.endsWith(suffix)).map(([k, t]) => [k.slice(0, -suffix.length), t]));
    adam ??= createAdamState(backend, pick(params));
    await loadNamed(spread(adam.m), select(".exp_avg"));
    await loadNamed(spread(adam.v), select(".exp_avg_sq"));
    adam.step = step.data[0];
  };
  // keys and values cached by `generate` belong to the weights that computed them: every weight change drops them
  const decoder = createEngineDecoder(net, {
    inferenceWorkspace: (B, T) => (inferWs = fitWorkspace(backend, config, inferWs, B, T, false, lora)),
    lora,
    prefixCache: options.prefixCache,
  });
  const batcher = createStepBatcher({ decoder, tokenizer }, (loop) => serial(loop));
  const changingWeights = <R>(fn: () => Promise<R>) => () => {
    decoder.invalidate();
    return fn();
  };

  const fullLogits = (input: ForwardInput, adaptersOff: boolean) =>
    serial(async () => {
      const prepared = prepareInput(config, input);
      const { B, T } = prepared;
      const N = B * T;
      const ws = (inferWs = fitWorkspace(backend, config, inferWs, B, T, false, lora));
      await upload(ws, prepared);
      net.adaptersOff = adaptersOff;
      let x: Tensor;
      try {
        x = await trunkForward(net, ws, B, T, selfAttend(net, ws, B, T));
      } finally {
        net.adaptersOff = false;
      }
      await normForward(net, ws.normf, ws.normfMean, ws.normfRstd, x, net.weights.normfW, net.weights.normfB, N);
      await backend.matmulForward(ws.logits, ws.normf, net.weights.lmHead, null, N, config.nEmbd, config.vocabSize);
      return (await backend.download(ws.logits, N * config.vocabSize)) as Float32Array;
    });

  const model: EngineModel = {
    config,
    tokenizer,
    backend,
    parameterCount: specs.reduce((a, s) => a + s.shape.reduce((x, y) => x * y, 1), 0),

    forward: (input, opts = {}) =>
      serial(async () => {
        if (opts.adapters === false && opts.grad) throw new Error("forward: gradients need the adapters on; drop adapters: false");
        const prepared = prepareInput(config, input);
        net.adaptersOff = opts.adapters === false;
        const { B, T } = prepared;
        const ws = opts.grad
          ? (trainWs = fitWorkspace(backend, config, trainWs, B, T, true, lora))
          : (inferWs = fitWorkspace(backend, config, inferWs, B, T, false, lora));
        await upload(ws, prepared);
        try {
          await fullForward(net, ws, B, T);
        } finally {
          net.adaptersOff = false;
        }
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
          // under LoRA the frozen weights' gradients are never read: one scratch per shape takes them all
          const scratch = new Map<string, Tensor>();
          const frozen = (shape: number[]) => {
            const key = shape.join(",");
            if (!scratch.has(key)) scratch.set(key, backend.alloc(shape));
            return scratch.get(key)!;
          };
          const trainableSet = new Set(trainable);
          grads = specs.map((s, i) => (lora && !trainableSet.has(i) ? frozen(s.shape) : backend.alloc(s.shape)));
          gradWeights = bindWeights(config, named(grads));
        }
        await fullBackward(net, trainWs, gradWeights!, B, T, {
          withEntropy: outputGrads.entropy !== undefined,
          withValues: outputGrads.values !== undefined,
          withEmbedding: !lora,
        });
      }),

    logits: (input) => fullLogits(input, false),

    zeroGrad() {
      if (grads) for (const g of new Set(grads)) backend.zero(g);
    },

    step: (opts: OptimizerConfig & { stepLr?: number }) =>
      serial(() => {
        if (!grads) throw new Error("step: no gradients yet; call forward({ grad: true }) and backward() first");
        adam ??= createAdamState(backend, pick(params));
        decoder.invalidate();
        return adamwStep(backend, trainable.map((i) => specs[i]), pick(params), pick(grads), adam, opts);
      }),

    generate: (contexts, opts) => {
      const options = { ...opts, seed: opts.seed ?? seed * 7919 + generateCalls++ };
      return decoder.caching ? batcher.generate(contexts, options) : serial(() => generate({ decoder, tokenizer }, contexts, options));
    },

    get batchesConcurrentCalls() {
      return decoder.caching;
    },

    clone: () =>
      serial(async () => {
        const copy = await createModel(config, { tokenizer, backend, seed, lora, prefixCache: options.prefixCache });
        const target = internals.get(copy)!;
        for (let i = 0; i < params.length; i++) await backend.copy(target.params[i], params[i], params[i].size);
        if (adam) await copy.loadOptimizerState(await exportOptimizerState());
        return copy;
      }),

    stateDict: () => serial(async () => toHf(config, await hostMap(params))),

    lora,

    adapterState: () =>
      serial(async () => new Map([...(await hostMap(params, adapterIndices))].map(([name, t]) => [peftName(name), t]))),

    loadAdapterState: (adapters) => serial(changingWeights(() => loadIndices(params, adapters, adapterIndices, "loadAdapterState"))),

    baseModel: () => ({
      ...model,
      forward: (input, opts = {}) => {
        if (opts.grad) throw new Error("baseModel: the base model is frozen; it has no gradients");
        return model.forward(input, { adapters: false });
      },
      logits: (input) => fullLogits(input, true),
      backward: () => Promise.reject(new Error("baseModel: the base model is frozen; it has no backward")),
      step: () => Promise.reject(new Error("baseModel: the base model is frozen; it takes no steps")),
      generate: () => Promise.reject(new Error("baseModel: generate with the model itself")),
      dispose: () => undefined,
    }),

    loadStateDict: (weights) => serial(changingWeights(() => loadInto(params, weights))),

    prefixCache: {
      stats: () => decoder.stats(),
      clear: () => decoder.invalidate(),
      setBudget: (bytes) => serial(async () => decoder.setBudget(bytes)),
    },

    optimizerState: () => serial(exportOptimizerState),

    loadOptimizerState: (state) => serial(() => importOptimizerState(state)),

    dispose() {
      const owned = [...new Set([...params, ...(grads ?? []), ...(adam ? [...adam.m, ...adam.v] : [])])];
      if (table) owned.push(table);
      for (const ws of [trainWs, inferWs]) if (ws) owned.push(...ws.all);
      for (const t of owned) backend.free(t);
      decoder.dispose();
      grads = null;
      adam = null;
      trainWs = inferWs = null;
    },
  };
  internals.set(model, { params });
  return model;
}
