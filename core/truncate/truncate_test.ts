import { test } from "uvu";
import * as assert from "uvu/assert";
import { CUT_MARKS, truncateText } from "./truncate.ts";
import { charTokenizer } from "../tokenizer/char_tokenizer.ts";

const chars = { unit: "chars" } as const;

test("truncateText() leaves text within the limit unchanged", () => {
  for (const side of ["left", "right", "middle"] as const) {
    assert.is(truncateText("abcd", 4, side, chars), "abcd");
    assert.is(truncateText("", 0, side, chars), "");
  }
});

test("truncateText() right keeps the head, left keeps the tail, middle keeps both ends", () => {
  const text = "0123456789";
  assert.is(truncateText(text, 4, "right", chars), "0123" + CUT_MARKS.right);
  assert.is(truncateText(text, 4, "left", chars), CUT_MARKS.left + "6789");
  assert.is(truncateText(text, 4, "middle", chars), "01" + CUT_MARKS.middle + "89");
  assert.is(truncateText(text, 5, "middle", chars), "012" + CUT_MARKS.middle + "89");
  assert.is(truncateText(text, 0, "left", chars), CUT_MARKS.left);
  assert.is(truncateText(text, 1, "middle", chars), "0" + CUT_MARKS.middle);
});

test("truncateText() counts code points, never splitting a surrogate pair", () => {
  assert.is(truncateText("😀😀😀", 3, "right", chars), "😀😀😀");
  assert.is(truncateText("😀😀😀", 2, "left", chars), CUT_MARKS.left + "😀😀");
});

test("truncateText() counts tokens when given a tokenizer", () => {
  const tokenizer = charTokenizer();
  const tokens = { unit: "tokens", tokenizer } as const;
  const text = "<tool_response>abcdef</tool_response>";
  assert.is(truncateText(text, 8, "right", tokens), text);
  assert.is(truncateText(text, 3, "right", tokens), "<tool_response>ab" + CUT_MARKS.right);
  assert.is(truncateText(text, 3, "left", tokens), CUT_MARKS.left + "ef</tool_response>");
  assert.is(truncateText(text, 4, "middle", tokens), "<tool_response>a" + CUT_MARKS.middle + "f</tool_response>");
});

test("truncateText() rejects a bad limit or side with the value in the message", () => {
  assert.throws(() => truncateText("abc", -1, "left", chars), /-1/);
  assert.throws(() => truncateText("abc", 1, "top" as "left", chars), /"top"/);
});

test.run();
