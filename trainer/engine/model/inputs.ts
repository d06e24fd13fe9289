/**
 * Host-side preparation of a batch: validation with errors that name the bad value, and the int32
 * arrays the backend needs (tokens with padding zeroed, positions, next-token targets, lengths).
 */
import type { ForwardInput, ModelConfig } from "../types.ts";

/** The int32 arrays of one batch, N = B*T. */
export interface PreparedInput {
  B: number;
  T: number;
  tokens: Int32Array; // (N), padding set to 0
  positions: Int32Array; // (N) = t
  targets: Int32Array; // (N) next token where t+1 < lengths[b], else -1
  lengths: Int32Array; // (B)
}

/**
 * Checks `input` against `config` and builds the backend arrays.
 *
 * @example
 * ```ts
 * prepareInput(config, { tokens: Int32Array.from([5, 6, 7]), B: 1, T: 3 }).targets; // [6, 7, -1]
 * ```
 */
export function prepareInput(config: ModelConfig, input: ForwardInput): PreparedInput {
  const { B, T } = input;
  if (!Number.isInteger(B) || B < 1 || !Number.isInteger(T) || T < 1) {
    throw new Error(`forward: B ${B} and T ${T} must be positive integers`);
  }
  if (T > config.maxSeqLen) {
    throw new Error(`forward: T ${T} exceeds the model's maxSeqLen ${config.maxSeqLen}; truncate the rows`);
  }
  if (input.tokens.length !== B * T) {
    throw new Error(`forward: tokens has ${input.tokens.length} ids but B*T is ${B * T}`);
  }
  const lengths = new Int32Array(B).fill(T);
  if (input.lengths) {
    if (input.lengths.length !== B) throw new Error(`forward: lengths has ${input.lengths.length} entries, expected B ${B}`);
    input.lengths.forEach((len, b) => {
      if (!Number.isInteger(len) || len < 0 || len > T) {
        throw new Error(`forward: lengths[${b}] ${len} must be an integer in [0, ${T}]`);
      }
      lengths[b] = len;
    });
  }
  const N = B * T;
  const tokens = new Int32Array(N), positions = new Int32Array(N), targets = new Int32Array(N).fill(-1);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      positions[b * T + t] = t;
      if (t >= lengths[b]) continue;
      const id = input.tokens[b * T + t];
      if (!Number.isInteger(id) || id < 0 || id >= config.vocabSize) {
        throw new Error(`forward: token ${id} at row ${b}, position ${t} is outside the vocabulary [0, ${config.vocabSize})`);
      }
      tokens[b * T + t] = id;
      if (t + 1 < lengths[b]) targets[b * T + t] = input.tokens[b * T + t + 1];
    }
  }
  return { B, T, tokens, positions, targets, lengths };
}

/** (N) per-position values → (B, T-1), zero where there is no next token. */
export function compactOutputs(values: Float32Array, prepared: PreparedInput): Float32Array {
  const { B, T, targets } = prepared;
  const out = new Float32Array(B * (T - 1));
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T - 1; t++) if (targets[b * T + t] >= 0) out[b * (T - 1) + t] = values[b * T + t];
  }
  return out;
}

/** (B, T-1) gradients → (N), zero where there is no next token; checks the length. */
export function expandGrads(grads: Float32Array, prepared: PreparedInput, what: string): Float32Array {
  const { B, T, targets } = prepared;
  if (grads.length !== B * (T - 1)) {
    throw new Error(`backward: ${what} has ${grads.length} values, expected B*(T-1) = ${B * (T - 1)}`);
  }
  const out = new Float32Array(B * T);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T - 1; t++) if (targets[b * T + t] >= 0) out[b * T + t] = grads[b * (T - 1) + t];
  }
  return out;
}
