/**
 * The `unit-convert` task of the example plugin: "How many m is 3 km?", answered by calling
 * `unit_convert` and copying its result; rewarded when the answer is within 1% of the truth.
 */
import { callTurn, finalTurn, type FormatName, questionPrompt, type Sample, seededRandom, splitSeed, type Task } from "../../mod.ts";
import { convert, type Unit, unitConvert } from "./unit_convert.ts";
import { closeEnough } from "./verifier.ts";

/** One conversion question. */
export interface UnitSample extends Sample {
  answer: number;
  value: number;
  from: Unit;
  to: Unit;
}

const PAIRS: [Unit, Unit][] = [["km", "m"], ["m", "cm"], ["mi", "km"], ["ft", "m"], ["kg", "g"], ["lb", "kg"]];

/** The call the solver makes for a sample: JSON arguments (hermes, react) or a raw query (submit). */
function callFor(sample: UnitSample, format: FormatName): string {
  const { value, from, to } = sample;
  return callTurn(format, { name: "unit_convert", arguments: { value, from, to }, query: `${value} ${from} to ${to}` });
}

/** The task: samples from a seed, prompts per format, a reference solver and the verifier. */
export const unitTask: Task<UnitSample> = {
  name: "unit-convert",
  description: "Unit conversions answered with the unit_convert tool.",
  tools: [unitConvert],
  samples: ({ seed, n, split = "train" }) => {
    const random = seededRandom(splitSeed(seed, split));
    return Array.from({ length: n }, (_, i) => {
      const [from, to] = random.pick(PAIRS);
      const value = random.int(1, 99);
      const question = `How many ${to} is ${value} ${from}?`;
      return { id: `unit-convert/${split}/${seed}/${i}`, question, answer: convert(value, from, to), value, from, to };
    });
  },
  prompt: (sample, format) => questionPrompt(sample.question, format),
  solve: (sample, format, toolResults) => {
    const result = toolResults.at(-1);
    return result === undefined ? callFor(sample, format) : finalTurn(format, result.trim());
  },
  verifier: closeEnough,
  limits: { maxTurns: 3, maxNewTokensPerTurn: 96 },
};
