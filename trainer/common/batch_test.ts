import { test } from "uvu";
import * as assert from "uvu/assert";
import { gatherRows, packEpisodes, selectRows } from "./batch.ts";

const episode = (...parts: [("prompt" | "model" | "tool"), number[]][]) => ({
  segments: parts.map(([role, tokens]) => ({ role, tokens })),
});

// prompt 1 2 | model 3 4 | tool 5 | model 6
const withTool = episode(["prompt", [1, 2]], ["model", [3, 4]], ["tool", [5]], ["model", [6]]);
const short = episode(["prompt", [7]], ["model", [8]]);

test("packEpisodes() pads rows and puts the model-token mask on the shifted grid", () => {
  const batch = packEpisodes([withTool, short], { padId: 0 });
  assert.is(batch.B, 2);
  assert.is(batch.T, 6);
  assert.equal(batch.lengths, [6, 2]);
  assert.equal(Array.from(batch.tokens), [1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0]);
  // position t trains on token t+1: tokens 2..6 are [2(prompt), 3, 4, 5(tool), 6]
  assert.equal(Array.from(batch.mask), [0, 1, 1, 0, 1, 1, 0, 0, 0, 0]);
});

test("packEpisodes() with includeToolTokens trains on tool output but never on the prompt", () => {
  const batch = packEpisodes([withTool], { padId: 0, includeToolTokens: true });
  assert.equal(Array.from(batch.mask), [0, 1, 1, 1, 1]);
});

test("packEpisodes() cuts rows at maxSeqLen", () => {
  const batch = packEpisodes([withTool], { padId: 0, maxSeqLen: 4 });
  assert.is(batch.T, 4);
  assert.equal(Array.from(batch.tokens), [1, 2, 3, 4]);
  assert.equal(Array.from(batch.mask), [0, 1, 1]);
});

test("selectRows() picks rows and trims padding to the longest selected row", () => {
  const batch = packEpisodes([withTool, short, short], { padId: 0 });
  const picked = selectRows(batch, [2, 1]);
  assert.is(picked.T, 2);
  assert.equal(Array.from(picked.tokens), [7, 8, 7, 8]);
  assert.equal(Array.from(picked.mask), [1, 1]);
  const values = new Float32Array([0, 1, 2, 3, 4, 10, 11, 12, 13, 14, 20, 21, 22, 23, 24]);
  assert.equal(Array.from(gatherRows(values, { width: 5, rows: [2, 0], outWidth: 2 })), [20, 21, 0, 1]);
});

test.run();
