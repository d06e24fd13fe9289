/**
 * Verifiers and how they compose: `defineVerifier`, `weightedSum`, and `formatBonus`.
 * A verifier scores an episode for its sample; composed verifiers are verifiers too.
 */
import type { Episode, Parser, Sample, Verifier } from "../types.ts";
import { formatProblems } from "./format_check.ts";

/**
 * Declares a verifier.
 *
 * @example
 * ```ts
 * const short = defineVerifier({ name: "short", score: (episode) => episode.response().length < 200 ? 1 : 0 });
 * ```
 */
export function defineVerifier<S extends Sample = Sample>(definition: Verifier<S>): Verifier<S> {
  const { name, score } = definition;
  if (typeof name !== "string" || name.trim() === "") {
    throw new Error(`defineVerifier: name ${JSON.stringify(name)} must be a non-empty string.`);
  }
  if (typeof score !== "function") {
    throw new Error(`defineVerifier: verifier "${name}" needs a score(episode, sample) function.`);
  }
  return { name, score };
}

/** Runs a verifier and checks that it returned a finite number. */
async function scoreOf<S extends Sample>(verifier: Verifier<S>, episode: Episode, sample: S): Promise<number> {
  const value = await verifier.score(episode, sample);
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new Error(`verifier "${verifier.name}" returned ${String(value)}; a score must be a finite number.`);
  }
  return value;
}

/**
 * The weighted sum of several verifiers' scores.
 *
 * @example
 * ```ts
 * const reward = weightedSum([{ verifier: numeric(), weight: 1 }, { verifier: formatVerifier(parser), weight: 0.1 }]);
 * ```
 */
export function weightedSum<S extends Sample = Sample>(
  parts: readonly { verifier: Verifier<S>; weight: number }[],
  options: { name?: string } = {},
): Verifier<S> {
  if (parts.length === 0) throw new Error("weightedSum: give at least one { verifier, weight }.");
  for (const { verifier, weight } of parts) {
    if (!Number.isFinite(weight)) {
      throw new Error(`weightedSum: weight ${weight} of "${verifier.name}" must be a finite number.`);
    }
  }
  const name = options.name ?? parts.map(({ verifier, weight }) => `${weight}*${verifier.name}`).join("+");
  return defineVerifier({
    name,
    score: async (episode, sample) => {
      const scores = await Promise.all(parts.map(({ verifier }) => scoreOf(verifier, episode, sample)));
      return scores.reduce((sum, value, i) => sum + parts[i].weight * value, 0);
    },
  });
}

/** Options of {@link formatBonus}. */
export interface FormatBonusOptions {
  /** The format the episode must follow. */
  parser: Parser;
  /** Added when the format is followed (default 0). */
  bonus?: number;
  /** Subtracted when it is not (default 0). */
  penalty?: number;
  /** Tool names the model may call; other names count as format errors. */
  toolNames?: readonly string[];
  name?: string;
}

/**
 * Adds `bonus` to a verifier's score when the episode follows its format, subtracts `penalty` when not.
 *
 * @example
 * ```ts
 * const reward = formatBonus(numeric(), { parser: parsers.hermes, bonus: 0.1, penalty: 0.5 });
 * ```
 */
export function formatBonus<S extends Sample = Sample>(
  verifier: Verifier<S>,
  options: FormatBonusOptions,
): Verifier<S> {
  const { parser, bonus = 0, penalty = 0, toolNames } = options;
  if (!Number.isFinite(bonus) || !Number.isFinite(penalty)) {
    throw new Error(`formatBonus: bonus ${bonus} and penalty ${penalty} must be finite numbers.`);
  }
  return defineVerifier({
    name: options.name ?? `${verifier.name}+format(${parser.name})`,
    score: async (episode, sample) => {
      const base = await scoreOf(verifier, episode, sample);
      const followed = formatProblems(episode, parser, { toolNames }).length === 0;
      return followed ? base + bonus : base - penalty;
    },
  });
}
