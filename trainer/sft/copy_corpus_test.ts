import { test } from "uvu";
import * as assert from "uvu/assert";
import { charTokenizer } from "../../core/tokenizer/index.ts";
import { createRng } from "../train/rng.ts";
import { copyCorpus } from "./copy_corpus.ts";

const tokenizer = charTokenizer();

test("copyCorpus() puts the loss only on spans that occurred earlier in the same example", () => {
  const examples = copyCorpus(tokenizer, createRng({ seed: 3 }), { n: 200, length: 120 });
  assert.is(examples.length, 200);
  let copied = 0;
  let total = 0;
  for (const example of examples) {
    const before: number[] = [];
    for (const [i, segment] of example.segments.entries()) {
      total += segment.tokens.length;
      if (segment.role === "model") {
        copied += segment.tokens.length;
        // the cue token just before the copy, then the copy, appear together earlier in the context
        const cue = example.segments[i - 1];
        assert.is(cue.role, "prompt");
        const span = tokenizer.decode([...cue.tokens.slice(-1), ...segment.tokens]);
        const earlier = tokenizer.decode(before.slice(0, before.length - 1));
        assert.ok(earlier.includes(span), `"${span}" is not in "${earlier}"`);
      }
      before.push(...segment.tokens);
    }
    assert.ok(before.length >= 120 && before.length < 240, String(before.length));
  }
  // a useful share of the tokens is in the loss, and most are not
  assert.ok(copied / total > 0.1 && copied / total < 0.6, `copied share ${copied / total}`);
});

test("copyCorpus() is a function of the random stream", () => {
  const a = copyCorpus(tokenizer, createRng({ seed: 9 }), { n: 5, length: 60 });
  const b = copyCorpus(tokenizer, createRng({ seed: 9 }), { n: 5, length: 60 });
  const c = copyCorpus(tokenizer, createRng({ seed: 10 }), { n: 5, length: 60 });
  assert.equal(a, b);
  assert.not.equal(a, c);
});

test("copyCorpus() names a bad size", () => {
  assert.throws(() => copyCorpus(tokenizer, createRng({ seed: 1 }), { n: 0, length: 60 }), /n must be a whole number >= 1; got 0/);
  assert.throws(() => copyCorpus(tokenizer, createRng({ seed: 1 }), { n: 2, length: 4 }), /length must be at least 8 characters; got 4/);
});

test.run();
