/**
 * The Qwen3 reference check shared by the cpu, wasm and webgpu tests: the PyTorch fixture of
 * `fixtures/qwen3/` (made by `make_reference.py` from modeling_qwen3's math, in float64) against the
 * engine's forward and backward on a given backend: logits on every valid position, the mean NLL and
 * the gradient of every weight by its HF name.
 */
import { readFile } from "node:fs/promises";
import type { Backend, Tensor } from "../../backend/backend.ts";
import { ropeTable } from "../../cpu/ops/rope.ts";
import { compare, type Comparison } from "../../conformance/compare.ts";
import { hfConfigToModelConfig } from "../../io/hf_config/hf_config.ts";
import { decodeSafetensors } from "../../io/safetensors/safetensors.ts";
import { fullBackward } from "../backward.ts";
import { headSize } from "../config.ts";
import { fullForward, type Net } from "../forward.ts";
import { prepareInput } from "../inputs.ts";
import { bindWeights, paramSpecs } from "../params.ts";
import { fromHf, type HostTensor, toHf } from "../state_dict.ts";
import { createWorkspace } from "../workspace.ts";

const fixtures = new URL("../fixtures/qwen3/", import.meta.url);

/** Float32 engine against the float64 reference: logits and loss to 2e-5, gradients to 1e-5 + 1e-3 relative. */
export const QWEN3_TOLERANCE = { logits: { atol: 2e-5, rtol: 2e-5 }, grads: { atol: 1e-5, rtol: 1e-3 } };

/** Runs the fixture on `backend`; one comparison for the logits, one for the loss, one per weight gradient. */
export async function checkQwen3Reference(backend: Backend): Promise<Comparison[]> {
  const config = hfConfigToModelConfig(JSON.parse(await readFile(new URL("config.json", fixtures), "utf8")));
  const weights = decodeSafetensors(new Uint8Array(await readFile(new URL("model.safetensors", fixtures)))).tensors;
  const reference = decodeSafetensors(new Uint8Array(await readFile(new URL("reference.safetensors", fixtures)))).tensors;
  const [B, T] = reference.get("tokens")!.shape;
  const tokens = Int32Array.from(reference.get("tokens")!.data);
  const lengths = Array.from(reference.get("lengths")!.data);
  const V = config.vocabSize, N = B * T;

  const specs = paramSpecs(config);
  const shapes = new Map(specs.map((s) => [s.name, s.shape]));
  const internal = fromHf(config, weights, shapes);
  const params = specs.map((s) => backend.alloc(s.shape));
  for (let i = 0; i < specs.length; i++) {
    const data = internal.get(specs[i].name);
    if (data) await backend.upload(params[i], data);
  }
  const table = backend.alloc([config.maxSeqLen, headSize(config)]);
  await backend.upload(table, ropeTable(config.maxSeqLen, headSize(config), config.ropeTheta));
  const named = (ts: Tensor[]) => new Map(specs.map((s, i) => [s.name, ts[i]]));
  const net: Net = { config, backend, weights: bindWeights(config, named(params)), ropeTable: table };
  const prepared = prepareInput(config, { tokens, B, T, lengths });
  const ws = createWorkspace(backend, config, B, T, true);
  await backend.upload(ws.tokens, prepared.tokens);
  await backend.upload(ws.positions, prepared.positions);
  await backend.upload(ws.targets, prepared.targets);
  await backend.upload(ws.lengths, prepared.lengths);
  await fullForward(net, ws, B, T);

  // logits of valid positions; mean NLL over valid next tokens, and its gradient dL/dlogprob = -1/count
  const logits = (await backend.download(ws.logits, N * V)) as Float32Array;
  const expectedLogits = reference.get("logits")!.data;
  const valid = (n: number) => n % T < lengths[Math.floor(n / T)];
  const pick = (a: ArrayLike<number>) => Array.from({ length: N * V }, (_, k) => k).filter((k) => valid(Math.floor(k / V))).map((k) => a[k]);
  const logprobs = (await backend.download(ws.logprobs, N)) as Float32Array;
  const count = prepared.targets.filter((t) => t >= 0).length;
  let nll = 0;
  const dlogprobs = new Float32Array(N);
  for (let n = 0; n < N; n++) {
    if (prepared.targets[n] < 0) continue;
    nll -= logprobs[n];
    dlogprobs[n] = -1 / count;
  }
  const comparisons = [
    compare("logits", pick(expectedLogits), pick(logits), QWEN3_TOLERANCE.logits),
    compare("loss", reference.get("loss")!.data, [nll / count], QWEN3_TOLERANCE.logits),
  ];
  await backend.upload(ws.grads!.dlogprobs, dlogprobs);
  const grads = specs.map((s) => backend.alloc(s.shape));
  await fullBackward(net, ws, bindWeights(config, named(grads)), B, T, { withEntropy: false, withValues: false });
  const host = new Map<string, HostTensor>();
  for (let i = 0; i < specs.length; i++) {
    host.set(specs[i].name, { shape: specs[i].shape, data: (await backend.download(grads[i])) as Float32Array });
  }
  for (const [name, grad] of toHf(config, host)) {
    const expected = reference.get(`grad.${name}`);
    if (name.startsWith("v_head.")) continue;
    if (!expected) {
      comparisons.push({ name: `grad ${name}`, ok: false, maxAbsDiff: Infinity, mismatches: ["missing from the reference"] });
      continue;
    }
    comparisons.push(compare(`grad ${name}`, expected.data, grad.data, QWEN3_TOLERANCE.grads));
  }
  for (const t of [...params, ...grads, table, ...ws.all]) backend.free(t);
  return comparisons;
}
