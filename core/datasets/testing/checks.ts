/** Checks shared by the dataset tests: masks line up with tokens, and decoding gives back the text. */
import * as assert from "uvu/assert";
import type { Episode, Tokenizer } from "../../types.ts";

/** Fails unless the episode's tokens decode to its text, segment by segment, and its mask is 1 exactly on model tokens. */
export function assertAligned(episode: Episode, tokenizer: Tokenizer): void {
  const tokens = episode.tokens();
  const mask = episode.mask();
  assert.is(mask.length, tokens.length, `${episode.id}: one mask entry per token`);
  assert.is(tokenizer.decode(tokens), episode.text(), `${episode.id}: decoding gives back the text`);
  let at = 0;
  for (const segment of episode.segments) {
    const span = tokens.slice(at, at + segment.tokens.length);
    assert.is(tokenizer.decode(span), segment.text, `${episode.id}: a ${segment.role} segment decodes to its text`);
    const expected = segment.role === "model" ? 1 : 0;
    assert.ok(mask.slice(at, at + span.length).every((m) => m === expected), `${episode.id}: ${segment.role} mask`);
    at += span.length;
  }
  assert.is(at, tokens.length);
}

/** The text a trainer learns from: each run of mask-1 tokens decoded, runs joined by `|`. */
export function trainedText(episode: Episode, tokenizer: Tokenizer): string {
  const tokens = episode.tokens();
  const mask = episode.mask();
  const runs: number[][] = [];
  mask.forEach((m, k) => {
    if (m === 1 && (k === 0 || mask[k - 1] === 0)) runs.push([]);
    if (m === 1) runs[runs.length - 1].push(tokens[k]);
  });
  return runs.map((run) => tokenizer.decode(run)).join("|");
}
