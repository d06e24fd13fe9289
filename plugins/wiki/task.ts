/**
 * The wiki task: questions about the fictional towns of a generated knowledge base (see `kb.ts`),
 * e.g. `Who founded Velmora?`, answered by searching the `wiki` tool for the town and copying the fact.
 *
 * Splits: a town is held out for evaluation when the FNV-1a hash of its name is divisible by 5, so
 * `split: "eval"` asks only about towns no training question mentions (their documents are still in
 * the corpus: the model has to search for them). Samples come from `seededRandom(splitSeed(seed, split))`.
 */
import { getFormat } from "../../core/formats/registry.ts";
import { seededRandom, splitSeed } from "../../core/random/mulberry32.ts";
import { callTurn, finalTurn, questionPrompt, workedExample } from "../../core/plugin/turns.ts";
import type { FormatName, Sample, Task, Tool } from "../../core/types.ts";
import { containsAlias } from "../verifiers/contains_alias.ts";
import { exactMatch } from "../verifiers/exact.ts";
import { perFormat } from "../verifiers/per_format.ts";
import { formatHits } from "./format.ts";
import { describeTown, generateKnowledgeBase, type KnowledgeBase, type Town } from "./kb.ts";
import type { RemoteRetriever } from "./remote.ts";
import { wikiTool } from "./tool.ts";

/** What a question asks about a town. */
export type WikiFact = "founder" | "river" | "year" | "population";

const FACTS: readonly WikiFact[] = ["founder", "river", "year", "population"];

const QUESTIONS: Readonly<Record<WikiFact, (town: string) => string>> = {
  founder: (town) => `Who founded ${town}?`,
  river: (town) => `Which river is ${town} on?`,
  year: (town) => `When was ${town} founded?`,
  population: (town) => `What is the population of ${town}?`,
};

/** Where each fact sits in a town's document (see `describeTown`). */
const IN_TEXT: Readonly<Record<WikiFact, RegExp>> = {
  founder: /founded by (.+?) in \d+/,
  river: /on the river (.+?),/,
  year: /founded by .+? in (\d+)/,
  population: /Population (\d+)/,
};

/** One question about a town. */
export interface WikiSample extends Sample {
  answer: string;
  town: string;
  fact: WikiFact;
}

/** Options of {@link wikiTask}. */
export interface WikiTaskOptions {
  /** Seed of the knowledge base (default 0); sample seeds only choose questions. */
  kbSeed?: number;
  /** Towns in the knowledge base (default 200). */
  towns?: number;
  /** Prefix prompts with two worked examples (default false: short zero-shot prompts). */
  fewShot?: boolean;
  /** `exact` (default): the normalised answer must equal the fact; `contains`: it must contain it. */
  match?: "exact" | "contains";
  /** Hits the tool returns (default 1). */
  topk?: number;
  /** Search a Search-R1 `/retrieve` service (e.g. `toolrl serve` with this task's corpus) instead of locally. */
  remote?: RemoteRetriever;
}

/** Whether a town is held out for evaluation (1 in 5, by the FNV-1a hash of its name). */
export function isEvalTown(name: string): boolean {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return hash % 5 === 0;
}

function factOf(town: Town, fact: WikiFact): string {
  return String(town[fact]);
}

/**
 * The wiki task over a generated knowledge base, with its `wiki` tool, prompts, solver and verifier.
 *
 * @example
 * ```ts
 * const task = wikiTask();
 * const [sample] = task.samples({ seed: 0, n: 1 }); // e.g. { question: "Who founded Velmora?", answer: "Aren Tal", ... }
 * task.solve(sample, "submit", []); // "<request><wiki>Velmora<call>"
 * ```
 */
export function wikiTask(options: WikiTaskOptions = {}): Task<WikiSample> & { knowledgeBase: KnowledgeBase } {
  const { kbSeed = 0, towns: size = 200, fewShot = false, match = "exact", topk = 1, remote } = options;
  const knowledgeBase = generateKnowledgeBase({ seed: kbSeed, size });
  const tool = (remote ? wikiTool({ remote, topk }) : wikiTool({ corpus: knowledgeBase.corpus, topk })) as Tool;
  const bySplit = {
    train: knowledgeBase.towns.filter((town) => !isEvalTown(town.name)),
    eval: knowledgeBase.towns.filter((town) => isEvalTown(town.name)),
  };

  const call = (town: string, format: FormatName) => callTurn(format, { name: "wiki", arguments: { query: town }, query: town });
  const answer = (text: string, format: FormatName) => finalTurn(format, text, { thought: "found it" });

  const solve = (sample: WikiSample, format: FormatName, toolResults: readonly string[]): string => {
    const result = toolResults.at(-1);
    if (result === undefined) return call(sample.town, format);
    return answer(IN_TEXT[sample.fact].exec(result)?.[1] ?? "unknown", format);
  };

  const worked = (town: Town, fact: WikiFact, format: FormatName): string => {
    const spec = { name: "wiki", arguments: { query: town.name }, query: town.name };
    const result = formatHits([{ title: town.name, text: describeTown(town) }]);
    return workedExample(format, { question: QUESTIONS[fact](town.name), call: spec, result, answer: answer(factOf(town, fact), format) });
  };
  const headers = new Map<FormatName, string>();
  const header = (format: FormatName): string => {
    if (!headers.has(format)) {
      const examples = [bySplit.train[0], bySplit.train[1]].map((town, i) => worked(town, FACTS[i], format));
      headers.set(format, getFormat(format).fewShot([tool], examples));
    }
    return headers.get(format)!;
  };
  const prompt = (sample: WikiSample, format: FormatName): string =>
    (fewShot ? header(format) : "") + questionPrompt(sample.question, format);

  const scorer = match === "exact" ? exactMatch : containsAlias;
  return {
    name: "wiki",
    description: "Questions about fictional towns, answered by searching a generated encyclopedia with the wiki tool.",
    tools: [tool],
    knowledgeBase,
    samples: ({ seed, n, split = "train" }) => {
      const pool = bySplit[split];
      if (pool.length === 0) throw new Error(`wikiTask: the ${split} split has no towns; use more towns (towns: ${size}).`);
      const random = seededRandom(splitSeed(seed, split));
      return Array.from({ length: n }, (_, i) => {
        const town = random.pick(pool);
        const fact = random.pick(FACTS);
        return { id: `wiki/${split}/${seed}/${i}`, question: QUESTIONS[fact](town.name), answer: factOf(town, fact), town: town.name, fact };
      });
    },
    prompt,
    solve,
    verifier: perFormat<WikiSample>({}, { fallback: (format) => scorer({ parser: format }), name: "wiki" }),
    limits: { maxTurns: 3, maxToolCalls: 2, maxNewTokensPerTurn: 80, maxToolResponseLength: 200, toolResponseUnit: "chars" },
  };
}
