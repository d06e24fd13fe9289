/**
 * The python-math task (TRL's python example on GSM8K, made small): templated word problems whose
 * answer is a number, solved by writing one line of Python for the `python` tool (e.g.
 * `print(4 * 12 + 3)`) and copying the number it prints. Reward 1 when the final answer is within 0.1
 * of the truth, as TRL's; two turns at most (call, then answer).
 *
 * Splits: samples come from `seededRandom(splitSeed(seed, split))`, and a problem is held out for
 * evaluation when the FNV-1a hash of its question is divisible by 8, so `split: "eval"` never shows a
 * problem that training can draw.
 */
import { getFormat } from "../../core/formats/registry.ts";
import { type Random, seededRandom, splitSeed } from "../../core/random/mulberry32.ts";
import { callTurn, finalTurn, questionPrompt, workedExample } from "../../core/plugin/turns.ts";
import type { FormatName, Sample, Task, Tool } from "../../core/types.ts";
import { lastNumber } from "../verifiers/answer.ts";
import { numericMatch } from "../verifiers/numeric.ts";
import { perFormat } from "../verifiers/per_format.ts";
import { type PythonTool, pythonTool } from "./tool.ts";

/** One word problem. */
export interface PythonMathSample extends Sample {
  answer: number;
  /** The Python the reference solver sends, e.g. `print(4 * 12 + 3)`. */
  code: string;
  template: string;
}

/** Options of {@link pythonMathTask}. */
export interface PythonMathTaskOptions {
  /** Prefix prompts with two worked examples (default false: short zero-shot prompts). */
  fewShot?: boolean;
  /** The python tool to use (default: a fresh `pythonTool({ timeoutMs: 3000 })`, started on first use). */
  tool?: PythonTool;
}

interface Template {
  name: string;
  /** A question, the Python expression that answers it and its value. */
  draw(random: Random, name: string): { question: string; expression: string; answer: number };
}

const NAMES = ["Ann", "Ben", "Cai", "Dee", "Eli", "Fay", "Gus", "Ivy", "Jo", "Kim"];

const TEMPLATES: readonly Template[] = [
  {
    name: "groups",
    draw: (r, who) => {
      const [a, b, c] = [r.int(2, 9), r.int(3, 19), r.int(1, 30)];
      return { question: `${who} has ${a} bags of ${b} nuts and ${c} loose nuts. How many nuts?`, expression: `${a} * ${b} + ${c}`, answer: a * b + c };
    },
  },
  {
    name: "change",
    draw: (r, who) => {
      const [price, count] = [r.int(2, 15), r.int(2, 6)];
      const paid = (Math.floor((price * count) / 10) + 1 + r.int(0, 3)) * 10;
      return { question: `${who} buys ${count} pens at ${price} dollars each and pays ${paid}. What is the change?`, expression: `${paid} - ${count} * ${price}`, answer: paid - count * price };
    },
  },
  {
    name: "share",
    draw: (r, who) => {
      const [kids, each] = [r.int(2, 9), r.int(2, 12)];
      return { question: `${who} shares ${kids * each} sweets among ${kids} kids. How many each?`, expression: `${kids * each} // ${kids}`, answer: each };
    },
  },
  {
    name: "savings",
    draw: (r, who) => {
      const [weekly, weeks] = [r.int(3, 25), r.int(2, 12)];
      const spent = r.int(1, weekly * weeks - 1);
      return { question: `${who} saves ${weekly} dollars a week for ${weeks} weeks and spends ${spent}. How much is left?`, expression: `${weekly} * ${weeks} - ${spent}`, answer: weekly * weeks - spent };
    },
  },
  {
    name: "discount",
    draw: (r, who) => {
      const [price, off] = [r.int(10, 90), r.pick([10, 20, 25, 50])];
      return { question: `A coat costs ${price} dollars. ${who} gets ${off}% off. What does ${who} pay?`, expression: `${price} * (100 - ${off}) / 100`, answer: (price * (100 - off)) / 100 };
    },
  },
];

/** Whether a problem is held out for evaluation (1 in 8, by the FNV-1a hash of its question). */
export function isEvalProblem(question: string): boolean {
  let hash = 0x811c9dc5;
  for (let i = 0; i < question.length; i++) hash = Math.imul(hash ^ question.charCodeAt(i), 0x01000193) >>> 0;
  return hash % 8 === 0;
}

/** The worked examples of few-shot prompts: a question, its code and what Python prints. */
const EXAMPLES = [
  { question: "Max has 3 boxes of 12 eggs and 4 loose eggs. How many eggs?", code: "print(3 * 12 + 4)", printed: "40" },
  { question: "Lea buys 2 cups at 6 dollars each and pays 20. What is the change?", code: "print(20 - 2 * 6)", printed: "8" },
];

/**
 * The python-math task with its `python` tool, prompts in the three formats, solver and verifier.
 *
 * @example
 * ```ts
 * const task = pythonMathTask();
 * const [sample] = task.samples({ seed: 0, n: 1 });
 * task.solve(sample, "submit", []); // e.g. "<request><python>print(4 * 12 + 3)<call>"
 * ```
 */
export function pythonMathTask(options: PythonMathTaskOptions = {}): Task<PythonMathSample> {
  const { fewShot = false } = options;
  const tool = (options.tool ?? pythonTool({ timeoutMs: 3000 })) as Tool;

  const call = (code: string, format: FormatName) => callTurn(format, { name: tool.name, arguments: { code }, query: code });
  const answer = (result: string, format: FormatName) =>
    format === "react" ? finalTurn(format, result, { thought: "done" }) : finalTurn(format, `Result = ${result}`);

  const solve = (sample: PythonMathSample, format: FormatName, toolResults: readonly string[]): string => {
    const result = toolResults.at(-1);
    if (result === undefined) return call(sample.code, format);
    const printed = lastNumber(result);
    return answer(printed === null ? "unknown" : String(printed), format);
  };

  const worked = (example: (typeof EXAMPLES)[number], format: FormatName): string => {
    const spec = { name: tool.name, arguments: { code: example.code }, query: example.code };
    const { question, printed } = example;
    return workedExample(format, { question, call: spec, result: printed, answer: answer(printed, format) });
  };
  const headers = new Map<FormatName, string>();
  const header = (format: FormatName): string => {
    if (!headers.has(format)) headers.set(format, getFormat(format).fewShot([tool], EXAMPLES.map((e) => worked(e, format))));
    return headers.get(format)!;
  };
  const prompt = (sample: PythonMathSample, format: FormatName): string =>
    (fewShot ? header(format) : "") + questionPrompt(sample.question, format);

  return {
    name: "python-math",
    description: "Short GSM8K-style word problems solved by writing Python for the python tool.",
    tools: [tool],
    samples: ({ seed, n, split = "train" }) => {
      const random = seededRandom(splitSeed(seed, split));
      const samples: PythonMathSample[] = [];
      for (let attempts = 0; samples.length < n; attempts++) {
        if (attempts > 1000 * (n + 1)) throw new Error(`pythonMathTask: could not draw ${n} ${split} problems.`);
        const template = random.pick(TEMPLATES);
        const { question, expression, answer } = template.draw(random, random.pick(NAMES));
        if (isEvalProblem(question) !== (split === "eval")) continue;
        const id = `python-math/${split}/${seed}/${samples.length}`;
        samples.push({ id, question, answer, code: `print(${expression})`, template: template.name });
      }
      return samples;
    },
    prompt,
    solve,
    verifier: perFormat<PythonMathSample>({}, {
      fallback: (format) => numericMatch({ parser: format, tolerance: 0.1 }),
      name: "python-math",
    }),
    limits: { maxTurns: 2, maxToolCalls: 1, maxNewTokensPerTurn: 100 },
  };
}
