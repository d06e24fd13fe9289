/**
 * SFT warm-up settings, one line of doc each. `parseSftConfig({})` gives the defaults.
 */
import * as v from "valibot";
import { parseConfig } from "../../core/config/mod.ts";

const number = (defaultValue: number, doc: string, min = 0) =>
  v.optional(v.pipe(v.number(), v.minValue(min), v.description(doc)), defaultValue);
const integer = (defaultValue: number, doc: string, min = 0) =>
  v.optional(v.pipe(v.number(), v.integer(), v.minValue(min), v.description(doc)), defaultValue);

/** The SFT config schema. */
export const SftConfigSchema: v.GenericSchema<Partial<SftConfig>, SftConfig> = v.strictObject({
  steps: integer(300, "Optimizer steps of the warm-up; 0 skips SFT."),
  batchSize: integer(32, "Demonstration episodes per step.", 1),
  demonstrations: integer(2000, "Demonstration episodes rolled out with the task's reference solver.", 1),
  toolRate: v.optional(
    v.pipe(
      v.number(),
      v.minValue(0),
      v.maxValue(1),
      v.description("Fraction of demonstrations that call the tools; the rest answer unaided (the task's guess style)."),
    ),
    1,
  ),
  learningRate: number(3e-3, "Peak learning rate (linear warm-up, then cosine decay to a tenth)."),
  warmupSteps: integer(20, "Steps of linear learning-rate warm-up."),
  weightDecay: number(0, "AdamW weight decay."),
  maxGradNorm: number(1, "Clip the global gradient norm to this; 0 turns clipping off."),
});

/** SFT settings with every default filled in (the schema above documents each). */
export interface SftConfig {
  steps: number;
  batchSize: number;
  demonstrations: number;
  toolRate: number;
  learningRate: number;
  warmupSteps: number;
  weightDecay: number;
  maxGradNorm: number;
}

/**
 * Validates SFT settings and fills in defaults; throws with the offending fields.
 *
 * @example parseSftConfig({ steps: 100 }).batchSize; // 32
 */
export function parseSftConfig(input: unknown = {}): SftConfig {
  return parseConfig(SftConfigSchema, input, {
    what: "SFT config",
    help: "see SftConfigSchema for the fields and their defaults",
  });
}
