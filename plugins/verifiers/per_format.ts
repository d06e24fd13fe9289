/**
 * `perFormat`: one verifier per tool-call format, chosen for each episode. A task's verifier gets no
 * format, so the episode's format is recognised from its prompt (the task rendered it) and, failing
 * that, from the markers of the formats in its model turns.
 */
import { defineVerifier } from "../../core/plugin/define_verifier.ts";
import type { Episode, FormatName, Sample, Verifier } from "../../core/types.ts";

const FORMATS: readonly FormatName[] = ["submit", "hermes", "react"];

/**
 * The format an episode was rolled out in: the format whose `prompt(sample, format)` is the episode's
 * prompt, else the one whose markers its model turns use (`<submit>`/`<request>`, ChatML, ReAct keywords).
 *
 * @example
 * ```ts
 * episodeFormat(episode, sample, task.prompt); // "hermes"
 * ```
 */
export function episodeFormat<S extends Sample>(
  episode: Episode,
  sample: S,
  prompt?: (sample: S, format: FormatName) => string,
): FormatName {
  const promptText = episode.segments.filter((s) => s.role === "prompt").map((s) => s.text).join("");
  const rendered = prompt && FORMATS.find((format) => prompt(sample, format) === promptText);
  if (rendered) return rendered;
  const modelText = episode.segments.filter((s) => s.role === "model").map((s) => s.text).join("\n");
  if (/<submit>|<request>/.test(modelText)) return "submit";
  if (/<tool_call>|<\|im_end\|>/.test(modelText) || promptText.includes("<|im_start|>")) return "hermes";
  if (/Final Answer:|Action Input:/.test(modelText)) return "react";
  return "submit";
}

/**
 * A verifier that scores each episode with the verifier of its format.
 *
 * @example
 * ```ts
 * const verifier = perFormat({ submit: trlCalculator(), hermes: numericMatch({ parser: hermesParser }),
 *   react: numericMatch({ parser: reactParser }) }, { prompt: task.prompt });
 * ```
 */
export function perFormat<S extends Sample = Sample>(
  verifiers: Readonly<Record<FormatName, Verifier<S>>>,
  options: { prompt?: (sample: S, format: FormatName) => string; name?: string } = {},
): Verifier<S> {
  return defineVerifier<S>({
    name: options.name ?? FORMATS.map((format) => `${format}:${verifiers[format].name}`).join("|"),
    score: (episode, sample) => verifiers[episodeFormat(episode, sample, options.prompt)].score(episode, sample),
  });
}
