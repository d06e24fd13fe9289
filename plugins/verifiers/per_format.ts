/**
 * `perFormat`: one verifier per tool-call format, chosen by the format each episode carries (set by the
 * rollout loop from the format it rolled out in). Nothing is guessed from the text: an episode without a
 * format is an error that says how to give it one.
 */
import { defineVerifier } from "../../core/plugin/define_verifier.ts";
import { getFormat } from "../../core/formats/registry.ts";
import type { Format } from "../../core/formats/types.ts";
import type { Episode, FormatName, Sample, Verifier } from "../../core/types.ts";

/**
 * The format an episode was written in, as it carries it; an error when it carries none.
 *
 * @example
 * ```ts
 * episodeFormat(episode); // "hermes"
 * ```
 */
export function episodeFormat(episode: Episode): FormatName {
  if (typeof episode.format !== "string") {
    throw new Error(
      `episode ${episode.id} carries no format; roll it out with rollout()/rolloutTask() or create it with createEpisode({ format })`,
    );
  }
  return episode.format;
}

/** Options of {@link perFormat}. */
export interface PerFormatOptions<S extends Sample> {
  /** Builds the verifier of a format `verifiers` does not list (once per format), e.g. one that reads its final answers. */
  fallback?: (format: Format) => Verifier<S>;
  name?: string;
}

/**
 * A verifier that scores each episode with the verifier of its format, or the fallback's for other formats.
 *
 * @example
 * ```ts
 * const verifier = perFormat({ submit: trlCalculator() }, { fallback: (format) => numericMatch({ parser: format }) });
 * ```
 */
export function perFormat<S extends Sample = Sample>(
  verifiers: Readonly<Partial<Record<FormatName, Verifier<S>>>>,
  options: PerFormatOptions<S> = {},
): Verifier<S> {
  const { fallback } = options;
  const built = new Map<FormatName, Verifier<S>>();
  const verifierFor = (name: FormatName): Verifier<S> => {
    const listed = Object.hasOwn(verifiers, name) ? verifiers[name] : undefined;
    if (listed) return listed;
    if (!fallback) {
      const known = Object.keys(verifiers).join(", ");
      throw new Error(`perFormat: no verifier for format "${name}" (verifiers for: ${known}); add one or a fallback`);
    }
    if (!built.has(name)) built.set(name, fallback(getFormat(name)));
    return built.get(name)!;
  };
  const listedNames = Object.entries(verifiers).map(([format, verifier]) => `${format}:${verifier!.name}`);
  return defineVerifier<S>({
    name: options.name ?? [...listedNames, ...(fallback ? ["*"] : [])].join("|"),
    score: (episode, sample) => verifierFor(episodeFormat(episode)).score(episode, sample),
  });
}
