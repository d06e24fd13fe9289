import { test } from "uvu";
import * as assert from "uvu/assert";
import { pythonJsonError, pythonJsonErrorText } from "./python_json.ts";
import cases from "./fixtures/python_json_cases.json" with { type: "json" };

type Case = { text: string; ok?: true; msg?: string; pos?: number; str?: string };

test("pythonJsonError() says what CPython 3.11's json.loads says, message and position, on every recorded case", () => {
  const all = cases as Case[];
  assert.ok(all.length > 300 && all.some((c) => c.ok) && all.some((c) => !c.ok), "the fixture holds accepted and refused texts");
  const mismatches = all.filter((c) => {
    const got = pythonJsonError(c.text);
    if (c.ok) return got !== undefined;
    return got?.msg !== c.msg || got?.pos !== c.pos || pythonJsonErrorText(c.text, got!) !== c.str;
  });
  assert.equal(mismatches.slice(0, 5).map((c) => [c.text, c.msg, c.pos, pythonJsonError(c.text)]), []);
});

test("pythonJsonError() reads NaN and Infinity as Python does, and refuses a BOM only in text not decoded from bytes", () => {
  assert.is(pythonJsonError("[NaN, -Infinity]"), undefined);
  assert.equal(pythonJsonError("\ufeff{}"), { msg: "Unexpected UTF-8 BOM (decode using utf-8-sig)", pos: 0 });
  assert.equal(pythonJsonError("\ufeff{}", { fromBytes: true }), { msg: "Expecting value", pos: 0 });
  assert.equal(pythonJsonError('{"a": "😀", "b": ?}'), { msg: "Expecting value", pos: 16 }, "positions count code points");
});

test.run();
