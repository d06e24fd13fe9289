import { test } from "uvu";
import * as assert from "uvu/assert";
import { messageTask, nextMacrotask } from "./mod.ts";

for (const [name, wait] of [["nextMacrotask", nextMacrotask], ["messageTask", messageTask]] as const) {
  test(`${name}() resolves after the microtasks queued before it and lets a due timer run`, async () => {
    const order: string[] = [];
    const turn = wait().then(() => order.push("macrotask"));
    queueMicrotask(() => order.push("microtask"));
    await turn;
    assert.equal(order, ["microtask", "macrotask"]);
    // a loop that awaits only promises would never let this timer fire; one that awaits each turn does
    let fired = false;
    setTimeout(() => (fired = true), 0);
    const started = performance.now();
    while (!fired && performance.now() - started < 5000) await wait();
    assert.ok(fired, "a timer due during a loop of macrotask turns never ran");
  });
}

test.run();
