// The runner's bookkeeping (queue, time-outs, restarts, snapshots, episode routing) against a fake
// in-process worker that speaks the worker protocol without Pyodide; tool_test.ts covers the real one.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { invokeTool } from "../../core/plugin/invoke_tool.ts";
import {
  beginRun, endRun, INTERRUPT_BYTES, type HostMessage, type InitMessage, interruptRun, interruptSlots, type ResultMessage, type RunMessage, type SnapshotCache, type WorkerHandle,
  type WorkerMessage,
} from "./protocol.ts";
import { SNAPSHOT_KEY } from "./snapshot.ts";
import { createPythonRunner } from "./runner.ts";
import { pythonTool } from "./tool.ts";

interface Fake {
  id: number;
  init: InitMessage | null;
  posted: HostMessage[];
  terminated: boolean;
}

/**
 * Spawns fake workers that serve runs one at a time in arrival order, like worker.ts, and keep the
 * interrupt block's protocol: code "hang" ignores interrupts, "slow" honours them, "die" crashes, "fatal"
 * breaks, "late" starts slowly, "N ms" takes N milliseconds.
 */
function fakeWorkers() {
  const workers: Fake[] = [];
  const spawn = (): WorkerHandle => {
    const fake: Fake = { id: workers.length, init: null, posted: [], terminated: false };
    workers.push(fake);
    let reply: (message: WorkerMessage) => void = () => {};
    let fail: (error: Error) => void = () => {};
    const queue: RunMessage[] = [];
    let busy = false;
    const serve = () => {
      const message = queue.shift();
      if (!message || busy || fake.terminated) return void (message && queue.unshift(message));
      busy = true;
      const slots = interruptSlots(fake.init!.interrupt!);
      const result: ResultMessage = { type: "result", id: message.id, stdout: "", stderr: "", value: null, error: null, timedOut: false, exitCode: null, fatal: false };
      const finish = (outcome: ResultMessage) => {
        if (fake.terminated) return;
        endRun(slots, message.id);
        busy = false;
        reply(outcome);
        serve();
      };
      const begin = () => {
        beginRun(slots, message.id);
        reply({ type: "started", id: message.id });
      };
      if (message.code === "late") {
        return void setTimeout(() => (begin(), setTimeout(() => finish({ ...result, stdout: "late\n" }), 1)), 100);
      }
      begin();
      if (message.code === "hang") return;
      if (message.code === "die") return void setTimeout(() => fail(new Error("out of memory")), 1);
      if (message.code === "fatal") return void setTimeout(() => finish({ ...result, error: "the interpreter failed: x", fatal: true }), 1);
      const interrupted = () => Atomics.load(slots, 0) === 2;
      if (message.code === "slow") {
        const poll = setInterval(() => interrupted() && (clearInterval(poll), finish({ ...result, stdout: "partial\n", timedOut: true })), 5);
        return;
      }
      const ms = /^(\d+) ms$/.exec(message.code);
      setTimeout(() => finish({ ...result, stdout: `${fake.id}:${message.namespace}:${message.code}\n`, timedOut: interrupted() }), ms ? Number(ms[1]) : 1);
    };
    return {
      indexURL: "/fake/",
      onMessage: (listener) => (reply = listener),
      onError: (listener) => (fail = listener),
      terminate: () => void (fake.terminated = true),
      post(message) {
        fake.posted.push(message);
        if (message.type === "init") {
          fake.init = message;
          const bad = message.snapshot?.[0] === 66; // "B"
          setTimeout(() => reply(bad ? { type: "failed", message: "bad snapshot" } : { type: "ready", snapshot: message.snapshot ? null : new Uint8Array([7]), startMs: 1 }), 1);
          return;
        }
        if (message.type !== "run") return;
        queue.push(message);
        serve();
      },
    };
  };
  return { workers, spawn };
}

test("a cached snapshot that fails to start is dropped, and the cold start's snapshot is saved instead", async () => {
  const saved: Array<[string, number[]]> = [];
  const removed: string[] = [];
  const cache: SnapshotCache = {
    load: async () => new Uint8Array([66]),
    save: async (key, bytes) => void saved.push([key, [...bytes]]),
    remove: async (key) => void removed.push(key),
  };
  const { workers, spawn } = fakeWorkers();
  const runner = createPythonRunner({ spawn, snapshotCache: cache });
  assert.is((await runner.run("1", { timeoutMs: 500 })).stdout, "1::1\n");
  assert.equal(workers.map((w) => [w.init?.snapshot && [...w.init.snapshot], w.terminated]), [[[66], true], [null, false]]);
  assert.equal([removed, saved], [[SNAPSHOT_KEY], [[SNAPSHOT_KEY, [7]]]]);
  runner.close();
});

test("runs are served one at a time in call order, and a restart starts from the kept snapshot", async () => {
  const { workers, spawn } = fakeWorkers();
  const runner = createPythonRunner({ spawn, snapshotCache: null, memoryLimitMb: 200, maxOutputChars: 99 });
  const outs = await Promise.all(["a", "b", "c"].map((code) => runner.run(code, { timeoutMs: 500, namespace: "e" })));
  assert.equal(outs.map((o) => o.stdout), ["0:e:a\n", "0:e:b\n", "0:e:c\n"]);
  assert.equal([workers[0].init?.memoryLimitBytes, workers[0].init?.totalMemoryBytes, workers[0].init?.maxOutputChars], [200 * 2 ** 20, 2048 * 2 ** 20, 99]);
  runner.close();
  await runner.run("d", { timeoutMs: 500 });
  assert.equal([workers[0].terminated, workers.length, [...workers[1].init!.snapshot!]], [true, 2, [7]]);
  runner.close();
});

test("runs are sent to the worker as they are asked for, not one result at a time", async () => {
  const { workers, spawn } = fakeWorkers();
  const runner = createPythonRunner({ spawn, snapshotCache: null });
  const runs = ["20 ms", "b", "c"].map((code) => runner.run(code, { timeoutMs: 500, namespace: "e" }));
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(workers[0].posted.filter((m) => m.type === "run").map((m) => (m as RunMessage).code), ["20 ms", "b", "c"], "all sent while the first runs");
  assert.equal((await Promise.all(runs)).map((o) => o.stdout), ["0:e:20 ms\n", "0:e:b\n", "0:e:c\n"]);
  runner.close();
});

test("a queued run's limit counts from when it starts, and an interrupt never reaches the run after it", async () => {
  const { spawn } = fakeWorkers();
  const runner = createPythonRunner({ spawn, snapshotCache: null });
  const [first, second] = await Promise.all([runner.run("60 ms", { timeoutMs: 500 }), runner.run("10 ms", { timeoutMs: 40 })]);
  assert.equal([first.timedOut, second.timedOut, second.stdout], [false, false, "0::10 ms\n"]);
  const [slow, next] = await Promise.all([runner.run("slow", { timeoutMs: 20 }), runner.run("30 ms", { timeoutMs: 500 })]);
  assert.equal([slow.stdout, slow.timedOut, next.stdout, next.timedOut], ["partial\n", true, "0::30 ms\n", false]);
  runner.close();
});

test("the interrupt block: the host sets the flag only for the run that is running, and the worker clears it after", () => {
  const slots = interruptSlots(new SharedArrayBuffer(INTERRUPT_BYTES));
  assert.is(interruptRun(slots, 1), false, "not started");
  assert.is(slots[0], 0);
  beginRun(slots, 1);
  assert.is(endRun(slots, 1), false, "ended unclaimed");
  assert.is(interruptRun(slots, 1), false, "ended before the host asked");
  beginRun(slots, 2);
  assert.is(interruptRun(slots, 1), false, "an earlier run's interrupt");
  assert.is(slots[0], 0, "does not reach run 2");
  assert.is(interruptRun(slots, 2), true);
  assert.is(slots[0], 2, "run 2 is interrupted");
  assert.is(interruptRun(slots, 2), false, "once");
  assert.is(endRun(slots, 2), true, "run 2 was claimed");
  assert.equal([slots[0], slots[1]], [0, 0], "cleared before the next run");
});

test("a run cancelled while queued ends at once; one queued behind a run that hangs goes to the fresh worker", async () => {
  const { workers, spawn } = fakeWorkers();
  const runner = createPythonRunner({ spawn, snapshotCache: null, graceMs: 20 });
  const controller = new AbortController();
  const hang = runner.run("hang", { timeoutMs: 40 });
  const cancelled = runner.run("never", { timeoutMs: 500, signal: controller.signal });
  const after = runner.run("after", { timeoutMs: 500 });
  await new Promise((resolve) => setTimeout(resolve, 10));
  controller.abort();
  assert.match((await cancelled).error ?? "", "cancelled before it started");
  assert.equal([(await hang).timedOut, (await hang).restarted], [true, true]);
  assert.is((await after).stdout, "1::after\n", "resent to the fresh worker");
  assert.equal(workers[1].posted.filter((m) => m.type === "run").map((m) => (m as RunMessage).code), ["after"], "the cancelled run is not resent");
  const died = runner.run("die", { timeoutMs: 500 });
  const behind = runner.run("behind", { timeoutMs: 500 });
  assert.is((await died).error, "the Python worker died: out of memory");
  assert.is((await behind).stdout, "2::behind\n");
  runner.close();
});

test("a run over its limit is interrupted first and keeps its worker when Python stops", async () => {
  const { workers, spawn } = fakeWorkers();
  const runner = createPythonRunner({ spawn, snapshotCache: null });
  const out = await runner.run("slow", { timeoutMs: 50 });
  assert.equal([out.stdout, out.timedOut, out.restarted], ["partial\n", true, false]);
  assert.is((await runner.run("next", { timeoutMs: 500 })).stdout, "0::next\n");
  assert.equal([workers.length, runner.stats.starts], [1, 1]);
  runner.close();
});

test("a run's limit counts from when its interpreter is ready, not while the worker starts one", async () => {
  const { spawn } = fakeWorkers();
  const runner = createPythonRunner({ spawn, snapshotCache: null });
  const out = await runner.run("late", { timeoutMs: 30 });
  assert.equal([out.stdout, out.timedOut], ["late\n", false]);
  runner.close();
});

test("a run that ignores the interrupt is ended by terminating its worker; the next run gets a fresh one", async () => {
  const { workers, spawn } = fakeWorkers();
  const runner = createPythonRunner({ spawn, snapshotCache: null, graceMs: 30 });
  const started = performance.now();
  const out = await runner.run("hang", { timeoutMs: 40 });
  assert.ok(performance.now() - started < 400);
  assert.equal([out.timedOut, out.restarted, workers[0].terminated], [true, true, true]);
  assert.is((await runner.run("next", { timeoutMs: 500 })).stdout, "1::next\n");
  runner.close();
});

test("a worker that dies or breaks during a run is reported and replaced", async () => {
  const { workers, spawn } = fakeWorkers();
  const runner = createPythonRunner({ spawn, snapshotCache: null });
  const died = await runner.run("die", { timeoutMs: 500 });
  assert.equal([died.error, died.restarted], ["the Python worker died: out of memory", true]);
  assert.is((await runner.run("x", { timeoutMs: 500 })).stdout, "1::x\n");
  const broke = await runner.run("fatal", { timeoutMs: 500 });
  assert.equal([broke.restarted, workers[1].terminated], [true, true]);
  assert.is((await runner.run("y", { timeoutMs: 500 })).stdout, "2::y\n");
  runner.close();
});

test("an aborted signal stops a run like a time-out", async () => {
  const { spawn } = fakeWorkers();
  const runner = createPythonRunner({ spawn, snapshotCache: null });
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 30);
  const out = await runner.run("slow", { timeoutMs: 5000, signal: controller.signal });
  assert.is(out.timedOut, true);
  const cancelled = await runner.run("a", { timeoutMs: 500, signal: controller.signal });
  assert.match(cancelled.error ?? "", "cancelled before it started");
  runner.close();
});

test("pythonTool spreads episodes over its workers, keeps each on one, and drops its namespace on release", async () => {
  const { workers, spawn } = fakeWorkers();
  const tool = pythonTool({ spawn, snapshotCache: null, workers: 2 });
  const text = async (code: string, episodeId: string) => (await invokeTool(tool, { code }, { episodeId })).text;
  assert.equal(
    [await text("a", "e1"), await text("b", "e2"), await text("c", "e1"), await text("d", "e2")],
    ["0:e1:a", "1:e2:b", "0:e1:c", "1:e2:d"],
  );
  await tool.release!("e2");
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(workers[1].posted.filter((m) => m.type === "drop"), [{ type: "drop", namespace: "e2" }]);
  assert.equal(workers[0].posted.filter((m) => m.type === "drop"), []);
  assert.is(await text("e", "e2"), "0:e2:e", "a released episode id is assigned afresh");
  tool.close();
  assert.ok(workers.every((w) => w.terminated));
});

test("pythonTool keeps at most maxEpisodes episodes and drops idle ones, so a server's memory stays bounded", async () => {
  const { workers, spawn } = fakeWorkers();
  const tool = pythonTool({ spawn, snapshotCache: null, maxEpisodes: 3, episodeIdleMs: 100 });
  const run = (code: string, episodeId: string) => invokeTool(tool, { code }, { episodeId });
  for (let i = 0; i < 6; i++) await run(`x = ${i}`, `unique-${i}`);
  assert.is(tool.episodes(), 3);
  await new Promise((resolve) => setTimeout(resolve, 5));
  const dropped = () => workers[0].posted.flatMap((m) => m.type === "drop" ? [m.namespace] : []);
  assert.equal(dropped(), ["unique-0", "unique-1", "unique-2"], "the idlest episodes were dropped");
  assert.is(workers[0].init?.maxEpisodes, 3, "the worker keeps no more interpreters than that either");
  await new Promise((resolve) => setTimeout(resolve, 150));
  await run("y = 1", "fresh");
  assert.is(tool.episodes(), 1, "episodes idle past episodeIdleMs were dropped");
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(dropped().slice(3), ["unique-3", "unique-4", "unique-5"]);
  tool.close();
});

test("close() ends a run under way without starting another worker", async () => {
  const { workers, spawn } = fakeWorkers();
  const runner = createPythonRunner({ spawn, snapshotCache: null });
  const pending = runner.run("hang", { timeoutMs: 100 });
  await new Promise((resolve) => setTimeout(resolve, 20));
  runner.close();
  const out = await pending;
  assert.equal([out.error, out.restarted], ["the Python worker died: the runner was closed", true]);
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.equal(workers.map((w) => w.terminated), [true]);
});

test("createPythonRunner() and pythonTool() check their options", () => {
  assert.throws(() => createPythonRunner({ memoryLimitMb: 64 }), /memoryLimitMb 64 must be from 128 to 4095/);
  assert.throws(() => pythonTool({ workers: 0 }), /workers 0 must be a positive integer/);
  assert.throws(() => createPythonRunner({ maxEpisodes: 0 }), /maxEpisodes 0 must be a positive integer/);
  assert.throws(() => createPythonRunner({ memoryLimitMb: 512, maxTotalMemoryMb: 256 }), /maxTotalMemoryMb 256 must be at least memoryLimitMb \(512\)/);
});

test.run();
