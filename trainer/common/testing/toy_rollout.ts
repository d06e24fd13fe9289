/**
 * Test helpers: a toy bandit-like task for the bigram fixture model. The prompt is "q"; the model writes up
 * to 3 characters; the score is 1 when its first character is "x". A policy that learns must raise it.
 */
import type { Model } from "../../engine/types.ts";
import type { PackableEpisode } from "../batch.ts";

/** Rolls out `n` toy episodes with `model` (temperature 1) and scores them. */
export async function toyRollout(
  model: Model,
  options: { n: number; seed: number },
): Promise<{ episodes: PackableEpisode[]; scores: number[] }> {
  const prompt = model.tokenizer.encode("q");
  const generations = await model.generate(Array.from({ length: options.n }, () => prompt), {
    maxNewTokens: 3,
    temperature: 1,
    seed: options.seed,
  });
  const x = model.tokenizer.encode("x")[0];
  const episodes = generations.map((g) => ({
    segments: [{ role: "prompt" as const, tokens: prompt }, { role: "model" as const, tokens: g.tokens }],
  }));
  return { episodes, scores: generations.map((g) => (g.tokens[0] === x ? 1 : 0)) };
}
