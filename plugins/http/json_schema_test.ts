import { test } from "uvu";
import * as assert from "uvu/assert";
import * as v from "valibot";
import { fromJsonSchema, MAX_SCHEMA_DEPTH, riskyPattern } from "./json_schema.ts";

const schema = fromJsonSchema({
  type: "object",
  properties: {
    name: { type: "string", minLength: 1, maxLength: 5, pattern: "^[a-z]+$", description: "lower-case" },
    mode: { enum: ["fast", "slow"], type: "string" },
    count: { type: "integer", minimum: 1, maximum: 3 },
    ratio: { type: "number" },
    flags: { type: "array", items: { type: "boolean" }, maxItems: 2 },
    any: { anyOf: [{ type: "string" }, { type: "null" }] },
  },
  required: ["name", "count"],
});

test("fromJsonSchema() accepts what the JSON Schema accepts", () => {
  const ok = { name: "abc", mode: "fast", count: 2, ratio: 0.5, flags: [true], any: null, extra: 1 };
  assert.equal(v.parse(schema, ok), ok);
  assert.equal(v.parse(schema, { name: "a", count: 3 }), { name: "a", count: 3 });
});

test("fromJsonSchema() rejects what the JSON Schema rejects", () => {
  const bad = [
    { count: 1 },
    { name: "", count: 1 },
    { name: "toolong", count: 1 },
    { name: "ABC", count: 1 },
    { name: "a", count: 1.5 },
    { name: "a", count: 4 },
    { name: "a", count: 1, mode: "medium" },
    { name: "a", count: 1, flags: [true, false, true] },
    { name: "a", count: 1, ratio: "1" },
  ];
  for (const input of bad) assert.not.ok(v.safeParse(schema, input).success, JSON.stringify(input));
});

test("fromJsonSchema() keeps descriptions and falls back to unknown", () => {
  const described = fromJsonSchema({ type: "string", description: "a word" }) as unknown as { pipe: Array<{ type: string; description?: string }> };
  assert.is(described.pipe.find((item) => item.type === "description")?.description, "a word");
  assert.ok(v.safeParse(fromJsonSchema({ type: "null" }), 5).success);
  assert.ok(v.safeParse(fromJsonSchema(null), "anything").success);
  assert.not.ok(v.safeParse(fromJsonSchema({ type: "string", pattern: "(" }), 1).success, "a bad pattern is skipped, the type still checked");
});

test("riskyPattern() flags nested quantifiers and back-references, and passes linear patterns", () => {
  for (const pattern of ["^(a+)+$", "(a*)*", "^(?:[a-z]+\\s?)+$", "(x{2,})+", "((ab+))*", "(a)\\1", "(?<n>a)\\k<n>", "a".repeat(513)]) {
    assert.ok(riskyPattern(pattern), pattern);
  }
  for (const pattern of ["^[a-z]+$", "^(ab)+$", "(a|b)*c", "^\\d{3}-\\d{4}$", "[(+)]+", "^\\(a+\\)+$", "(a{1})+", "(a?)+"]) {
    assert.is(riskyPattern(pattern), null, pattern);
  }
});

test("fromJsonSchema() refuses schemas nested past MAX_SCHEMA_DEPTH and risky patterns, naming where", () => {
  let deep: unknown = { type: "string" };
  for (let i = 0; i < 20_000; i++) deep = { type: "object", properties: { a: deep } };
  assert.throws(() => fromJsonSchema(deep), /nests deeper than 32 levels at parameters\.properties\.a\.properties\.a/);
  let ok: unknown = { type: "string" };
  for (let i = 0; i < MAX_SCHEMA_DEPTH - 1; i++) ok = { type: "array", items: ok };
  assert.ok(v.safeParse(fromJsonSchema(ok), [[[]]]).success, "nesting within the bound is kept");
  assert.throws(() => fromJsonSchema({ type: "array", items: { type: "string", pattern: "(a+)+" } }), /pattern "\(a\+\)\+" at parameters\.items could take exponential time: a repeated group repeats inside/);
});

test.run();
