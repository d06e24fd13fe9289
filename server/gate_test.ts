import { test } from "uvu";
import * as assert from "uvu/assert";
import { createGate } from "./gate.ts";

test("createGate() refuses a tool's call over its own limit but admits other tools", () => {
  const gate = createGate({ maxConcurrent: 10, maxConcurrentPerTool: 2 });
  const a1 = gate.enter("a");
  const a2 = gate.enter("a");
  const a3 = gate.enter("a");
  assert.ok(a1.admitted && a2.admitted);
  assert.is(a3.admitted, false);
  if (!a3.admitted) assert.ok(a3.reason.includes('tool "a"'), a3.reason);
  assert.ok(gate.enter("b").admitted);
});

test("createGate() refuses any call over the server limit", () => {
  const gate = createGate({ maxConcurrent: 2, maxConcurrentPerTool: 5 });
  assert.ok(gate.enter("a").admitted);
  assert.ok(gate.enter("b").admitted);
  const third = gate.enter("c");
  assert.is(third.admitted, false);
  if (!third.admitted) assert.ok(third.reason.includes("server"), third.reason);
});

test("createGate() frees a slot on release, once however often release is called", () => {
  const gate = createGate({ maxConcurrent: 2, maxConcurrentPerTool: 1 });
  const first = gate.enter("a");
  assert.is(gate.enter("a").admitted, false);
  if (first.admitted) {
    first.release();
    first.release();
  }
  const again = gate.enter("a");
  assert.ok(again.admitted, "the slot came back");
  assert.ok(gate.enter("b").admitted);
  assert.is(gate.enter("c").admitted, false, "a double release did not free a second slot");
});

test.run();
