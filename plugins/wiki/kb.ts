/**
 * A generated knowledge base of fictional towns, each with a founder, a river, a founding year and a
 * population, built deterministically from a seed. Nothing in it exists outside the corpus, so a
 * model can answer questions about it only by searching.
 */
import { type Random, seededRandom } from "../../core/random/mulberry32.ts";
import type { WikiDocument } from "./search_index.ts";

/** One fictional town. */
export interface Town {
  name: string;
  founder: string;
  river: string;
  year: number;
  population: number;
}

/** The towns and the corpus describing them, one short document per town. */
export interface KnowledgeBase {
  towns: Town[];
  corpus: WikiDocument[];
}

const ONSETS = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "dr", "kr", "st", "th", "vel"];
const VOWELS = ["a", "e", "i", "o", "u", "ae", "ei", "io"];
const CODAS = ["", "", "n", "r", "l", "s", "th", "m"];
const TOWN_ENDINGS = ["mora", "ford", "holm", "wick", "dale", "ton", "mere", "stead", "burg", "vik"];
const RIVERS_PER_KB = 40;

function syllable(random: Random): string {
  return random.pick(ONSETS) + random.pick(VOWELS) + random.pick(CODAS);
}

function capitalise(word: string): string {
  return word[0].toUpperCase() + word.slice(1);
}

/** A name none of `taken` has, from `make`. */
function fresh(random: Random, taken: Set<string>, make: (random: Random) => string): string {
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const name = make(random);
    if (!taken.has(name)) {
      taken.add(name);
      return name;
    }
  }
  throw new Error(`generateKnowledgeBase: ran out of fresh names after ${taken.size}; ask for fewer towns.`);
}

/** The one-line text of a town's document. */
export function describeTown(town: Town): string {
  return `${town.name} is a town on the river ${town.river}, founded by ${town.founder} in ${town.year}. ` +
    `Population ${town.population}.`;
}

/**
 * Builds `size` towns (default 200) and their corpus from `seed`; the same seed gives the same base.
 *
 * @example
 * ```ts
 * const kb = generateKnowledgeBase({ seed: 0, size: 3 });
 * kb.corpus[0]; // { id: "0", title: "Velmora", text: "Velmora is a town on the river Osk, founded by ..." }
 * ```
 */
export function generateKnowledgeBase(options: { seed?: number; size?: number } = {}): KnowledgeBase {
  const { seed = 0, size = 200 } = options;
  if (!Number.isInteger(size) || size < 1 || size > 5000) {
    throw new Error(`generateKnowledgeBase: size ${size} must be an integer from 1 to 5000.`);
  }
  const random = seededRandom(seed);
  const taken = new Set<string>();
  const rivers = Array.from({ length: RIVERS_PER_KB }, () => fresh(random, taken, (r) => capitalise(syllable(r))));
  const towns: Town[] = [];
  for (let i = 0; i < size; i++) {
    const name = fresh(random, taken, (r) => capitalise(syllable(r) + r.pick(TOWN_ENDINGS)));
    const founder = `${capitalise(syllable(random) + syllable(random))} ${capitalise(syllable(random))}`;
    towns.push({ name, founder, river: random.pick(rivers), year: random.int(900, 1899), population: random.int(200, 98_000) });
  }
  const corpus = towns.map((town, i) => ({ id: String(i), title: town.name, text: describeTown(town) }));
  return { towns, corpus };
}
