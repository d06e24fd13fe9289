import { test } from "uvu";
import * as assert from "uvu/assert";
import { detectRuntime, hasNodeBuiltins, runtime } from "./mod.ts";

test("detectRuntime() tells Deno, Bun, Node, browsers and other web hosts apart by their globals", () => {
  assert.is(detectRuntime({ Deno: { version: { deno: "2.1.0" } }, process: { versions: { node: "22.0.0" } } }), "deno");
  assert.is(detectRuntime({ Bun: {}, process: { versions: { node: "22.0.0", bun: "1.2.0" } } }), "bun");
  assert.is(detectRuntime({ process: { versions: { node: "20.11.0" } } }), "node");
  assert.is(detectRuntime({ document: {} }), "browser");
  assert.is(detectRuntime({}), "web");
  assert.is(detectRuntime({ Deno: {} as never }), "web", "a stray `Deno` global without a version is not Deno");
});

test("runtime is the runtime running this test, and both test runtimes have node: modules", () => {
  const expected = "Deno" in globalThis ? "deno" : "node";
  assert.is(runtime, expected);
  assert.ok(hasNodeBuiltins);
});

test.run();
