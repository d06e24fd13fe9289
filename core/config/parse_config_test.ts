import { test } from "uvu";
import * as assert from "uvu/assert";
import * as v from "valibot";
import { formatIssues, parseConfig } from "./mod.ts";

const Schema = v.object({
  steps: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 10),
  inner: v.optional(v.object({ rate: v.optional(v.number(), 0.5) }), {}),
  low: v.optional(v.number(), 0),
  high: v.optional(v.number(), 1),
});
const options = {
  what: "demo config",
  help: "see DemoSchema for the fields",
  check: (c: v.InferOutput<typeof Schema>) => (c.low < c.high ? [] : [`low (${c.low}) must be below high (${c.high})`]),
};

test("parseConfig() fills in defaults and returns the parsed value", () => {
  assert.equal(parseConfig(Schema, { steps: 3 }, options), { steps: 3, inner: { rate: 0.5 }, low: 0, high: 1 });
});

test("parseConfig() throws one sentence naming what was read, every offending path with its value's issue, and the help", () => {
  assert.throws(
    () => parseConfig(Schema, { steps: 0, inner: { rate: "fast" } }, options),
    (error: Error) =>
      /^Invalid demo config \(steps: Invalid value: Expected >=1 but received 0; inner\.rate: Invalid type: Expected number but received "fast"\); see DemoSchema for the fields\.$/
        .test(error.message),
  );
});

test("parseConfig() reports the cross-field checks in the same shape, and a bad whole value without a path", () => {
  assert.throws(() => parseConfig(Schema, { low: 2, high: 1 }, options), /^Invalid demo config \(low \(2\) must be below high \(1\)\); see DemoSchema for the fields\.$/);
  assert.throws(() => parseConfig(Schema, null, options), /^Invalid demo config \(Invalid type: Expected Object but received null\); see/);
});

test("formatIssues() writes path: message per issue, a root issue without a path", () => {
  const result = v.safeParse(v.object({ a: v.object({ b: v.string() }) }), { a: { b: 1 } });
  assert.is(formatIssues(result.issues!), "a.b: Invalid type: Expected string but received 1");
  assert.is(formatIssues(v.safeParse(v.string(), 3).issues!), "Invalid type: Expected string but received 3");
});

test("parseConfig() calls a key a strict object does not take unknown, and names the nearest key it does take", () => {
  const schema = v.strictObject({
    steps: v.optional(v.number(), 1),
    sft: v.optional(v.strictObject({ steps: v.optional(v.number(), 1), toolRate: v.optional(v.number(), 0) }), {}),
  });
  const fail = (input: unknown) => {
    try {
      parseConfig(schema, input, { what: "demo settings", help: "see --help" });
    } catch (error) {
      return (error as Error).message;
    }
    return "parsed";
  };
  assert.is(fail({ sft: { step: 3 } }), 'Invalid demo settings (sft.step: unknown key "step" (did you mean "steps"?)); see --help.');
  assert.is(fail({ sft: { toolrate: 1 } }), 'Invalid demo settings (sft.toolrate: unknown key "toolrate" (did you mean "toolRate"?)); see --help.');
  assert.is(fail({ stpes: 2 }), 'Invalid demo settings (stpes: unknown key "stpes" (did you mean "steps"?)); see --help.');
  assert.is(fail({ zzz: 2 }), 'Invalid demo settings (zzz: unknown key "zzz"); see --help.');
  // formatIssues alone says unknown too, without suggestions (it has no schema)
  const issues = v.safeParse(v.strictObject({ a: v.number() }), { a: 1, b: 2 }).issues!;
  assert.is(formatIssues(issues), 'b: unknown key "b"');
});

test.run();
