/**
 * The Python worker: loads Pyodide from the local npm package, bounds every WebAssembly heap, closes the
 * doors of this JavaScript realm to the host, then serves runs sent by `runner.ts` one message at a time.
 *
 * Each episode gets an interpreter of its own (`interpreter.ts`), started from a memory snapshot and
 * thrown away when the episode is dropped; a run without an episode gets a fresh one that is thrown away
 * after it. So episodes share no Python heap, files or modules, and all of the runner's state (which
 * interpreter serves which episode, the output captured) lives here, in JavaScript. One spare interpreter
 * is kept started, so a new episode rarely waits for one. Callbacks a run schedules die with it
 * (`callbacks.ts`). With `shareInterpreter` every run uses one interpreter, a namespace per episode: fast,
 * and not isolated.
 */
import type { PyodideAPI } from "pyodide";
import { hasNodeBuiltins } from "../../core/runtime/mod.ts";
import { gateCallbacks } from "./callbacks.ts";
import { guardInterpreter, type Interpreter, loadInterpreter } from "./interpreter.ts";
import { WARM_UP } from "./prelude.ts";
import { beginRun, endRun, type HostMessage, type InitMessage, interruptSlots, type ResultMessage, type RunMessage, type WorkerPort } from "./protocol.ts";

const WASM_PAGE = 65_536;

/**
 * Makes every WebAssembly heap in this worker refuse to grow past `limitBytes` (malloc then fails →
 * MemoryError), and calls `makeRoom(memory, bytes)` when a heap would grow to `bytes`, which may drop other
 * interpreters and says whether the growth fits the worker's total.
 */
function boundMemory(limitBytes: number, makeRoom: (memory: WebAssembly.Memory, bytes: number) => boolean): void {
  const grow = WebAssembly.Memory.prototype.grow;
  WebAssembly.Memory.prototype.grow = function (this: WebAssembly.Memory, delta: number): number {
    const bytes = this.buffer.byteLength + delta * WASM_PAGE;
    if (bytes > limitBytes) throw new RangeError(`memory limit of ${limitBytes} bytes reached`);
    if (!makeRoom(this, bytes)) throw new RangeError(`the worker's memory limit was reached`);
    return grow.call(this, delta);
  };
}

/**
 * Cuts what Python could reach in this worker's JavaScript realm, should it ever get a JS object: the
 * network globals, Pyodide's Node `require` (`os.system` and sockets go through it) and the Function
 * constructors (the way from any object to arbitrary code). Interpreters loaded later still start: they
 * come from the same, already imported, Pyodide module.
 */
async function closeRealm(): Promise<void> {
  const scope = globalThis as Record<string, unknown>;
  for (const name of ["fetch", "WebSocket", "XMLHttpRequest", "EventSource", "importScripts"]) delete scope[name];
  if (hasNodeBuiltins) {
    (await import("./seal_node.ts")).sealNodeRequire();
  }
  const generators = [async function () {}, function* () {}, async function* () {}];
  for (const proto of [Function.prototype, ...generators.map((f) => Object.getPrototypeOf(f))]) {
    Object.defineProperty(proto, "constructor", { value: undefined, writable: false, configurable: false });
  }
}

interface Pool {
  run(message: RunMessage): Promise<ResultMessage>;
  drop(namespace: string): void;
}

async function start(init: InitMessage, port: WorkerPort): Promise<Pool> {
  const started = performance.now();
  const episodes = new Map<string, Interpreter>(); // least recently used first
  const held = new Set<WebAssembly.Memory>(); // the heaps of the interpreters kept (episodes, spare)
  let spare: Promise<Interpreter> | null = null; // started ahead for the next episode (the shared one with shareInterpreter)
  let spareMemory: WebAssembly.Memory | null = null;
  const slots = init.interrupt && interruptSlots(init.interrupt);
  boundMemory(init.memoryLimitBytes, (memory, bytes) => {
    const total = () => [...held].reduce((sum, heap) => sum + (heap === memory ? 0 : heap.buffer.byteLength), bytes);
    for (const [key, interpreter] of episodes) {
      if (total() <= init.totalMemoryBytes) break;
      if (interpreter.memory !== memory) forget(key); // the idlest other episodes first
    }
    if (total() > init.totalMemoryBytes && spareMemory && spareMemory !== memory) {
      held.delete(spareMemory);
      spare = spareMemory = null;
    }
    return total() <= init.totalMemoryBytes;
  });
  const gate = gateCallbacks();
  const first: PyodideAPI = await loadInterpreter(init, init.snapshot);
  if (!init.snapshot) first.runPython(WARM_UP);
  const snapshot = init.snapshot ?? first.makeMemorySnapshot();
  const hold = (interpreter: Interpreter) => {
    held.add(interpreter.memory);
    spareMemory = interpreter.memory;
    return interpreter;
  };
  spare = Promise.resolve(hold(guardInterpreter(first, init)));
  await closeRealm();
  const fresh = () => loadInterpreter(init, snapshot).then((pyodide) => hold(guardInterpreter(pyodide, init)));
  const sent = init.snapshot ? null : snapshot.slice(); // the host takes the bytes it is sent
  port.post({ type: "ready", snapshot: sent, startMs: performance.now() - started }, sent ? [sent.buffer] : []);

  /** Forgets an episode: its namespace, and (unless shared) its interpreter with it. */
  function forget(namespace: string): void {
    const interpreter = episodes.get(namespace);
    interpreter?.drop(namespace);
    episodes.delete(namespace);
    if (interpreter && !init.shareInterpreter) held.delete(interpreter.memory);
  }

  async function take(namespace: string): Promise<Interpreter> {
    const known = episodes.get(namespace);
    if (known) {
      episodes.delete(namespace);
      episodes.set(namespace, known);
      return known;
    }
    const interpreter = await (spare ??= fresh());
    if (!init.shareInterpreter) spare = spareMemory = null; // the episode keeps the interpreter it took; a shared one stays
    if (namespace !== "") {
      for (const oldest of episodes.keys()) {
        if (episodes.size < init.maxEpisodes) break;
        forget(oldest);
      }
      episodes.set(namespace, interpreter);
    }
    return interpreter;
  }

  return {
    async run(message) {
      const base = { type: "result" as const, id: message.id, stdout: "", stderr: "", value: null, timedOut: false, exitCode: null };
      let interpreter: Interpreter;
      try {
        interpreter = await take(message.namespace);
      } catch (error) {
        spare = null;
        return { ...base, error: `a fresh Python interpreter failed to start: ${(error as Error)?.message ?? error}`, fatal: true };
      }
      if (slots) beginRun(slots, message.id);
      port.post({ type: "started", id: message.id });
      gate.begin();
      const { discard, ...result } = interpreter.run(message.code, message.namespace, message.lastExpression);
      gate.end();
      if (slots) endRun(slots, message.id);
      // a heap grown to its bound never shrinks: an isolated episode out of memory gets a fresh interpreter
      const outOfMemory = result.error?.startsWith("MemoryError") && !init.shareInterpreter;
      if (discard || outOfMemory) {
        for (const [key, owner] of episodes) if (owner === interpreter) episodes.delete(key);
        if (init.shareInterpreter) spare = spareMemory = null;
      }
      if (![...episodes.values()].includes(interpreter) && spareMemory !== interpreter.memory) held.delete(interpreter.memory);
      if (!spare) {
        spare = fresh();
        spare.catch(() => {}); // reported by the run that takes it
      }
      return { type: "result", id: message.id, ...result, fatal: false };
    },
    drop: forget,
  };
}

/** Serves the host on `port` until the worker is terminated. */
function serve(port: WorkerPort): void {
  let pool: Promise<Pool> | null = null;
  let queue: Promise<unknown> = Promise.resolve();
  port.onMessage((message: HostMessage) => {
    if (message.type === "init") {
      pool = start(message, port);
      pool.catch((error) => port.post({ type: "failed", message: String((error as Error)?.message ?? error) }));
      return;
    }
    const current = pool;
    if (!current) return;
    // in arrival order: a drop sent after a run applies after it
    queue = queue.then(() => current).then(async (p) => {
      if (message.type === "run") port.post(await p.run(message));
      else p.drop(message.namespace);
    }).catch(() => {});
  });
}

// Web workers (Deno's worker_threads too) have a global postMessage; Node's talk through parentPort.
const port: WorkerPort = typeof (globalThis as { postMessage?: unknown }).postMessage === "function"
  ? webPort()
  : (await import("./port_node.ts")).nodePort();
serve(port);

function webPort(): WorkerPort {
  const scope = globalThis as unknown as {
    postMessage(message: unknown, transfer?: Transferable[]): void;
    addEventListener(type: "message", listener: (event: MessageEvent) => void): void;
  };
  return {
    post: (message, transfer = []) => scope.postMessage(message, transfer),
    onMessage: (listener) => scope.addEventListener("message", (event) => listener(event.data)),
  };
}
