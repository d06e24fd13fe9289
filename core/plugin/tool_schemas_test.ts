import { test } from "uvu";
import * as assert from "uvu/assert";
import * as v from "valibot";
import { defineTool } from "./define_tool.ts";
import { invokeTool } from "./invoke_tool.ts";
import { toolSchemas } from "./tool_schemas.ts";
import type { Tool } from "../types.ts";

const search = defineTool({
  name: "search",
  description: "Searches the wiki.",
  parameters: v.object({
    query: v.pipe(v.string(), v.description("What to look for")),
    topk: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
    mode: v.picklist(["bm25", "exact"]),
  }),
  run: () => "",
}) as Tool;

test("toolSchemas() writes OpenAI function schemas from valibot schemas", () => {
  const [schema] = toolSchemas([search]);
  assert.is(schema.type, "function");
  assert.is(schema.function.name, "search");
  assert.is(schema.function.description, "Searches the wiki.");
  const parameters = schema.function.parameters as {
    type: string;
    properties: Record<string, Record<string, unknown>>;
    required: string[];
  };
  assert.is(parameters.type, "object");
  assert.equal(parameters.required.sort(), ["mode", "query"]);
  assert.equal(parameters.properties.query, { type: "string", description: "What to look for" });
  assert.is(parameters.properties.topk.type, "integer");
  assert.equal(parameters.properties.mode.enum, ["bm25", "exact"]);
  assert.not.ok("$schema" in parameters);
});

test("toolSchemas() keeps the order of the tools", () => {
  const other = { ...search, name: "other" } as Tool;
  assert.equal(toolSchemas([other, search]).map((s) => s.function.name), ["other", "search"]);
});

test("toolSchemas() leaves out checks JSON Schema cannot express, which invokeTool still applies", async () => {
  const even = defineTool({
    name: "even",
    description: "Takes an even number.",
    parameters: v.object({ n: v.pipe(v.number(), v.finite(), v.check((n) => n % 2 === 0, "n must be even")) }),
    run: ({ n }) => String(n),
  }) as Tool;
  const [schema] = toolSchemas([even]);
  assert.equal((schema.function.parameters as { properties: unknown }).properties, { n: { type: "number" } });
  assert.match((await invokeTool(even, { n: 3 })).text, /n must be even/);
});

test("toolSchemas() names the tool whose schema has no JSON Schema form", () => {
  const odd = { ...search, name: "odd", parameters: v.object({ at: v.date() }) } as Tool;
  assert.throws(() => toolSchemas([odd]), /tool "odd"/);
});

test.run();
