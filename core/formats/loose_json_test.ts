import { test } from "uvu";
import * as assert from "uvu/assert";
import { looseJson } from "./loose_json.ts";

test("looseJson() reads strict JSON unchanged", () => {
  assert.equal(looseJson(' {"a": [1, "x\'y"], "b": null} '), { ok: true, value: { a: [1, "x'y"], b: null } });
});

test("looseJson() repairs single quotes, escaped quotes and raw newlines in strings", () => {
  assert.equal(looseJson("{'q': 'it\\'s \"ok\"\nnext'}"), { ok: true, value: { q: 'it\'s "ok"\nnext' } });
});

test("looseJson() maps True/False/None outside strings only", () => {
  assert.equal(looseJson("{'a': True, 'b': False, 'c': None, 'd': 'None'}"), {
    ok: true,
    value: { a: true, b: false, c: null, d: "None" },
  });
});

test("looseJson() drops trailing commas and a ```json fence", () => {
  assert.equal(looseJson('```json\n[1, 2, {"a": 3,},]\n```'), { ok: true, value: [1, 2, { a: 3 }] });
});

test("looseJson() returns the strict parser's message for text that is not JSON", () => {
  const r = looseJson("{query: Paris");
  assert.is(r.ok, false);
  assert.ok(!r.ok && r.message.length > 0);
});

test.run();
