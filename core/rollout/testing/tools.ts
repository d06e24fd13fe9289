/** Small real tools for the rollout tests: arithmetic, sleeping, throwing, hanging, echoing. */
import * as v from "valibot";
import type { Sample, Task, Tool } from "../../types.ts";

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `a op b` with integers and + - *. */
export const calculator: Tool<{ expression: string }> = {
  name: "Calculator",
  description: "evaluates a op b",
  parameters: v.object({ expression: v.string() }),
  timeoutMs: 1000,
  fromText: (query) => ({ expression: query.trim() }),
  run: ({ expression }) => {
    const m = /^(-?\d+)\s*([-+*])\s*(-?\d+)$/.exec(expression.trim());
    if (!m) throw new Error(`cannot evaluate ${JSON.stringify(expression)}`);
    const [a, b] = [Number(m[1]), Number(m[3])];
    return String(m[2] === "+" ? a + b : m[2] === "-" ? a - b : a * b);
  },
};

/** A tool that sleeps `ms` and records how many calls ran at once and when. */
export function sleeper() {
  const log = { active: 0, maxActive: 0, spans: [] as { start: number; end: number; episodeId: string }[] };
  const tool: Tool<{ ms: number }> = {
    name: "sleep",
    description: "sleeps",
    parameters: v.object({ ms: v.number() }),
    timeoutMs: 2000,
    run: async ({ ms }, { episodeId }) => {
      const start = performance.now();
      log.active += 1;
      log.maxActive = Math.max(log.maxActive, log.active);
      await sleep(ms);
      log.active -= 1;
      log.spans.push({ start, end: performance.now(), episodeId });
      return `slept ${ms}`;
    },
  };
  return { tool: tool as Tool, log };
}

export const thrower: Tool = {
  name: "boom",
  description: "always throws",
  parameters: v.object({}),
  timeoutMs: 1000,
  run: () => {
    throw new Error("the tool exploded");
  },
};

export const hang: Tool = {
  name: "hang",
  description: "never returns",
  parameters: v.object({}),
  timeoutMs: 60,
  run: () => new Promise<string>(() => {}),
};

/** Returns `text` unchanged. */
export const echo: Tool = {
  name: "echo",
  description: "echoes",
  parameters: v.object({ text: v.string() }),
  timeoutMs: 1000,
  run: (args) => (args as { text: string }).text,
};

/** A hermes turn calling `name` with `args` once per entry. */
export function hermesCalls(...calls: [string, unknown][]): string {
  return calls.map(([name, args]) => `<tool_call>\n${JSON.stringify({ name, arguments: args })}\n</tool_call>`).join(
    "\n",
  ) +
    "<|im_end|>";
}

/** A sample of `addTask`: a + b. */
export interface AddSample extends Sample {
  a: number;
  b: number;
}

/** A task over `calculator`: sample i asks i + i; the solver calls the tool, then submits its result. */
export const addTask: Task<AddSample> = {
  name: "add",
  description: "adds",
  tools: [calculator as Tool],
  samples: ({ n }) => Array.from({ length: n }, (_, i) => ({ id: `s${i}`, question: `${i}+${i}`, answer: 2 * i, a: i, b: i })),
  prompt: (s) => `\n\nWhat is ${s.a} + ${s.b}?`,
  solve: (s, _f, toolResults) =>
    toolResults.length === 0 ? `<request><Calculator>${s.a}+${s.b}<call>` : `Result = ${toolResults.at(-1)} <submit>`,
  verifier: { name: "exact", score: (e, s) => (e.response().includes(`Result = ${s.answer} <submit>`) ? 1 : 0) },
  limits: { maxTurns: 3 },
};
