/**
 * Checks a weight map against the names and shapes a config implies, and normalises the variants
 * found in Hugging Face checkpoints on disk (GPT-2 names without `transformer.`, attention-mask
 * buffers, a stored copy of a tied head) before the check.
 */
import type { ModelConfig } from "../../types.ts";
import type { TensorMap } from "../safetensors/safetensors.ts";
import { expectedTensors } from "./expected_tensors.ts";

const GPT2_UNPREFIXED = /^(wte|wpe|ln_f|h\.\d+)\./;
/** Buffers, not parameters: GPT-2's causal mask and its fill value, old Llama RoPE frequencies. */
const BUFFERS = /^transformer\.h\.\d+\.attn\.(bias|masked_bias)$|\.rotary_emb\.inv_freq$/;
const LIST_LIMIT = 10;

/**
 * Returns the weights under the names `expectedTensors` uses: adds GPT-2's `transformer.` prefix where a
 * checkpoint left it out, and drops attention buffers and the `lm_head.weight` of a tied model.
 *
 * @example
 * ```ts
 * normalizeHfWeights(gpt2Config, weights).has("transformer.h.0.attn.bias"); // false
 * ```
 */
export function normalizeHfWeights(config: ModelConfig, weights: TensorMap): TensorMap {
  const out: TensorMap = new Map();
  for (const [raw, tensor] of weights) {
    const name = config.family === "gpt2" && GPT2_UNPREFIXED.test(raw) ? `transformer.${raw}` : raw;
    if (BUFFERS.test(name)) continue;
    if (name === "lm_head.weight" && config.tieEmbeddings) continue;
    if (out.has(name)) throw new Error(`weights: "${raw}" and "${name}" are the same tensor under two names; keep one.`);
    out.set(name, tensor);
  }
  return out;
}

function listed(items: string[]): string {
  const shown = items.slice(0, LIST_LIMIT).join(", ");
  return items.length > LIST_LIMIT ? `${shown} and ${items.length - LIST_LIMIT} more` : shown;
}

/**
 * Throws one error listing every missing, unexpected and mis-shaped tensor of `weights` for `config`
 * (`{ valueHead: true }` also expects `v_head.summary.*`); returns silently when all match.
 *
 * @example
 * ```ts
 * validateWeights(config, await model.stateDict());
 * ```
 */
export function validateWeights(config: ModelConfig, weights: TensorMap, options: { valueHead?: boolean } = {}): void {
  const expected = expectedTensors(config, options);
  const names = new Set(expected.map((s) => s.name));
  const missing = expected.filter((s) => !weights.has(s.name)).map((s) => s.name);
  const unexpected = [...weights.keys()].filter((name) => !names.has(name));
  const misshaped: string[] = [];
  for (const { name, shape } of expected) {
    const tensor = weights.get(name);
    if (!tensor) continue;
    const size = shape.reduce((n, d) => n * d, 1);
    if (tensor.shape.length !== shape.length || tensor.shape.some((d, i) => d !== shape[i])) {
      misshaped.push(`${name} is [${tensor.shape}], expected [${shape}]`);
    } else if (tensor.data.length !== size) {
      misshaped.push(`${name} has ${tensor.data.length} values, expected ${size}`);
    }
  }
  if (missing.length + unexpected.length + misshaped.length === 0) return;
  const problems = [
    missing.length ? `missing ${missing.length}: ${listed(missing)}` : "",
    unexpected.length ? `unexpected ${unexpected.length}: ${listed(unexpected)}` : "",
    misshaped.length ? `mis-shaped ${misshaped.length}: ${listed(misshaped)}` : "",
  ].filter(Boolean);
  throw new Error(
    `weights do not match the ${config.family} config (${config.nLayer} layers, C=${config.nEmbd}, V=${config.vocabSize}): ${
      problems.join("; ")
    }. Check that config.json belongs to these weights.`,
  );
}
