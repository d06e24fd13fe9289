/**
 * The calculator task of TRL's tool examples: `What is {a} {op} {b}?` with a, b in 0..49 and op in
 * `+ - *`, answered by calling the `calculator` tool and copying its result. Variants `decimals` (one
 * decimal place) and `large` (3-4 digits) test generalisation.
 *
 * Splits: samples come from a seeded PRNG whose stream seed is `splitSeed(seed, split)` (even for
 * training, odd for evaluation), and every problem belongs to exactly one split: a problem is held out
 * for evaluation when the FNV-1a hash of its question is divisible by 8. So `split: "eval"` never
 * shows a problem that training can draw, for any seeds.
 */
import { getFormat } from "../../core/formats/registry.ts";
import { type Random, seededRandom, splitSeed } from "../../core/random/mulberry32.ts";
import { callTurn, finalTurn, questionPrompt, workedExample } from "../../core/plugin/turns.ts";
import type { FormatName, Sample, Task, Tool } from "../../core/types.ts";
import { numericMatch } from "../verifiers/numeric.ts";
import { perFormat } from "../verifiers/per_format.ts";
import { trlCalculator } from "../verifiers/trl_calculator.ts";
import { evaluateExpression, formatNumber } from "./evaluate.ts";
import { calculatorTool } from "./tool.ts";

/** The problem families: TRL's (`basic`), one decimal place (`decimals`), 3-4 digit operands (`large`). */
export type CalculatorVariant = "basic" | "decimals" | "large";

const VARIANTS: readonly CalculatorVariant[] = ["basic", "decimals", "large"];
const OPERATORS = ["+", "-", "*"] as const;

/** One arithmetic problem. */
export interface CalculatorSample extends Sample {
  answer: number;
  /** What the solver sends to the tool, e.g. `13 - 4`. */
  expression: string;
  variant: CalculatorVariant;
}

/** Options of {@link calculatorTask}. */
export interface CalculatorTaskOptions {
  /** Prefix prompts with two worked examples, as TRL does (default false: short zero-shot prompts). */
  fewShot?: boolean;
  /** Problems drawn when `samples` names no variant (default `basic`). */
  variant?: CalculatorVariant;
  /** Decimals the tool rounds to (default 2). */
  decimals?: number;
}

/** Operands in tenths for `decimals`, plain integers otherwise. */
function drawProblem(random: Random, variant: CalculatorVariant): { expression: string; answer: number } {
  const op = random.pick(OPERATORS);
  if (variant === "decimals") {
    const [a, b] = [random.int(0, 499), random.int(0, 499)];
    const exact = op === "+" ? (a + b) / 10 : op === "-" ? (a - b) / 10 : (a * b) / 100;
    return { expression: `${(a / 10).toFixed(1)} ${op} ${(b / 10).toFixed(1)}`, answer: exact };
  }
  const [low, high] = variant === "large" ? [100, 9999] : [0, 49];
  const [a, b] = [random.int(low, high), random.int(low, high)];
  return { expression: `${a} ${op} ${b}`, answer: op === "+" ? a + b : op === "-" ? a - b : a * b };
}

/** Whether a problem is held out for evaluation (1 in 8, by the FNV-1a hash of its text). */
export function isEvalProblem(expression: string): boolean {
  let hash = 0x811c9dc5;
  for (let i = 0; i < expression.length; i++) hash = Math.imul(hash ^ expression.charCodeAt(i), 0x01000193) >>> 0;
  return hash % 8 === 0;
}

const EXAMPLES = ["13 - 3", "4 * 3"];

/**
 * TRL's calculator task in the three formats, with a reference solver and its verifier.
 *
 * @example
 * ```ts
 * const task = calculatorTask();
 * const [sample] = task.samples({ seed: 0, n: 1 });
 * task.prompt(sample, "submit"); // e.g. "What is 13 - 4?\n"
 * task.solve(sample, "submit", []); // e.g. "<request><calculator>13 - 4<call>"
 * ```
 */
export function calculatorTask(options: CalculatorTaskOptions = {}): Task<CalculatorSample> {
  const { fewShot = false, variant: defaultVariant = "basic", decimals = 2 } = options;
  checkVariant(defaultVariant);
  const tool = calculatorTool({ decimals }) as Tool;

  const call = (expression: string, format: FormatName) =>
    callTurn(format, { name: "calculator", arguments: { expression }, query: expression });
  const answer = (result: string, format: FormatName) =>
    format === "react" ? finalTurn(format, result, { thought: "done" }) : finalTurn(format, `Result = ${result}`);

  const solve = (sample: CalculatorSample, format: FormatName, toolResults: readonly string[]): string => {
    const result = toolResults.at(-1);
    if (result === undefined) return call(sample.expression, format);
    return answer(/-?\d+(\.\d+)?/.exec(result)?.[0] ?? result.trim(), format);
  };

  const worked = (expression: string, format: FormatName): string => {
    const result = formatNumber(evaluateExpression(expression), decimals);
    const spec = { name: "calculator", arguments: { expression }, query: expression };
    return workedExample(format, { question: `What is ${expression}?`, call: spec, result, answer: answer(result, format) });
  };
  const headers = new Map<FormatName, string>();
  const header = (format: FormatName): string => {
    if (!headers.has(format)) headers.set(format, getFormat(format).fewShot([tool], EXAMPLES.map((e) => worked(e, format))));
    return headers.get(format)!;
  };
  const answerUnaided = (sample: CalculatorSample, format: FormatName): string =>
    answer(formatNumber(guessAnswer(sample.expression), decimals), format);
  const prompt = (sample: CalculatorSample, format: FormatName): string =>
    (fewShot ? header(format) : "") + questionPrompt(sample.question, format);

  return {
    name: "calculator",
    description: "TRL's arithmetic problems (a, b in 0..49, + - *) solved by calling the calculator tool.",
    tools: [tool],
    samples: ({ seed, n, split = "train", variant = defaultVariant }) => {
      const family = checkVariant(variant);
      const random = seededRandom(splitSeed(seed, split));
      const samples: CalculatorSample[] = [];
      for (let attempts = 0; samples.length < n; attempts++) {
        if (attempts > 1000 * (n + 1)) {
          throw new Error(`calculatorTask: could not draw ${n} ${split} problems of ${family}.`);
        }
        const { expression, answer } = drawProblem(random, family);
        if (isEvalProblem(expression) !== (split === "eval")) continue;
        const id = `calculator/${family}/${split}/${seed}/${samples.length}`;
        samples.push({ id, question: `What is ${expression}?`, answer, expression, variant: family });
      }
      return samples;
    },
    prompt,
    solve,
    answerUnaided,
    verifier: perFormat<CalculatorSample>({ submit: trlCalculator() }, {
      fallback: (format) => numericMatch({ parser: format }),
      name: "calculator",
    }),
    limits: { maxTurns: 4, maxToolCalls: 3, maxNewTokensPerTurn: 80 },
  };
}

/**
 * A head-arithmetic guess, the answer style of a model that does not call the tool: exact when the problem is
 * easy (both operands below 10 for + and -, an operand of 0 or 1 for *), otherwise the result of the operands
 * rounded to tens — close, and right only by coincidence.
 *
 * @example guessAnswer("3 + 4"); // 7
 * @example guessAnswer("37 * 23"); // 800
 */
export function guessAnswer(expression: string): number {
  const [left, op, right] = expression.split(" ");
  const [a, b] = [Number(left), Number(right)];
  const easy = op === "*" ? Math.min(Math.abs(a), Math.abs(b)) <= 1 : Math.max(Math.abs(a), Math.abs(b)) < 10;
  const [x, y] = easy ? [a, b] : [roundToTens(a), roundToTens(b)];
  return op === "+" ? x + y : op === "-" ? x - y : x * y;
}

function roundToTens(n: number): number {
  return Math.abs(n) < 10 ? n : Math.round(n / 10) * 10;
}

function checkVariant(variant: string): CalculatorVariant {
  if (!VARIANTS.includes(variant as CalculatorVariant)) {
    throw new Error(`calculatorTask: unknown variant "${variant}"; use one of ${VARIANTS.join(", ")}.`);
  }
  return variant as CalculatorVariant;
}
