/**
 * The Python worker: loads Pyodide from the local npm package, bounds its WebAssembly heap, closes the
 * doors to the host (see `_prelude.ts`), then runs code sent by `runner.ts` one message at a time.
 * The JavaScript globals Python may see (`jsglobals`) are an empty object, network globals are deleted
 * and Emscripten file systems other than MEMFS cannot be mounted.
 */
import { loadPyodide, type PyodideAPI } from "pyodide";
import { PRELUDE, WARM_UP } from "./_prelude.ts";
import type { HostMessage, InitMessage, ResultMessage, RunMessage, WorkerPort } from "./_protocol.ts";

const WASM_PAGE = 65_536;

/** Makes every WebAssembly heap in this worker refuse to grow past `limitBytes` (malloc then fails → MemoryError). */
function boundMemory(limitBytes: number): void {
  const grow = WebAssembly.Memory.prototype.grow;
  WebAssembly.Memory.prototype.grow = function (this: WebAssembly.Memory, delta: number): number {
    if (this.buffer.byteLength + delta * WASM_PAGE > limitBytes) {
      throw new RangeError(`memory limit of ${limitBytes} bytes reached`);
    }
    return grow.call(this, delta);
  };
}

/**
 * Cuts what Python could reach in this worker's JavaScript realm, should it ever get a JS object:
 * the `js` modules, the network globals, Pyodide's Node `require` (`os.system` and sockets go through
 * it) and the Function constructors (the way from any object to arbitrary code).
 */
async function closeHost(pyodide: PyodideAPI): Promise<void> {
  pyodide.unregisterJsModule("js");
  pyodide.unregisterJsModule("pyodide_js");
  const scope = globalThis as Record<string, unknown>;
  for (const name of ["fetch", "WebSocket", "XMLHttpRequest", "EventSource", "importScripts"]) delete scope[name];
  if (typeof (globalThis as { process?: { versions?: { node?: unknown } } }).process?.versions?.node === "string") {
    (await import("./_seal_node.ts")).sealNodeRequire();
  }
  const generators = [async function () {}, function* () {}, async function* () {}];
  for (const proto of [Function.prototype, ...generators.map((f) => Object.getPrototypeOf(f))]) {
    Object.defineProperty(proto, "constructor", { value: undefined, writable: false, configurable: false });
  }
}

/** Collects what Python writes to one stream, up to `maxChars`. */
function capture(maxChars: number) {
  const decoder = new TextDecoder();
  let text = "";
  let dropped = false;
  return {
    write(bytes: Uint8Array): number {
      if (text.length < maxChars) text += decoder.decode(bytes, { stream: true });
      else dropped = true;
      return bytes.length;
    },
    take(): string {
      let out = text + decoder.decode();
      if (out.length > maxChars || dropped) out = out.slice(0, maxChars) + "\n...(output cut)";
      text = "";
      dropped = false;
      return out;
    },
  };
}

interface Session {
  run(message: RunMessage): ResultMessage;
  drop(namespace: string): void;
}

async function start(init: InitMessage, port: WorkerPort): Promise<Session> {
  const started = performance.now();
  boundMemory(init.memoryLimitBytes);
  const jsglobals = Object.create(null);
  const indexURL = init.indexURL;
  const pyodide: PyodideAPI = init.snapshot
    ? await loadPyodide({ indexURL, jsglobals, _loadSnapshot: init.snapshot })
    : await loadPyodide({ indexURL, jsglobals, _makeSnapshot: true });
  if (!init.snapshot) pyodide.runPython(WARM_UP);
  const snapshot = init.snapshot ? null : pyodide.makeMemorySnapshot();
  const fs = pyodide.FS as { filesystems: Record<string, unknown>; mount: (...args: unknown[]) => unknown };
  const memfs = fs.filesystems.MEMFS;
  const mount = fs.mount.bind(fs);
  fs.mount = (type: unknown, ...rest: unknown[]) => {
    if (type !== memfs) throw new Error("only in-memory file systems may be mounted in the toolrl Python sandbox");
    return mount(type, ...rest);
  };
  const stdout = capture(init.maxOutputChars);
  const stderr = capture(init.maxOutputChars);
  pyodide.setStdout({ write: (bytes: Uint8Array) => stdout.write(bytes) });
  pyodide.setStderr({ write: (bytes: Uint8Array) => stderr.write(bytes) });
  const flag = init.interrupt ? new Int32Array(init.interrupt) : null;
  if (flag) pyodide.setInterruptBuffer(flag);
  const scope = pyodide.toPy({});
  pyodide.runPython(PRELUDE, { globals: scope });
  const runPy = scope.get("run");
  const dropPy = scope.get("drop");
  await closeHost(pyodide);
  port.post({ type: "ready", snapshot, startMs: performance.now() - started }, snapshot ? [snapshot.buffer] : []);
  return {
    run(message) {
      if (flag) Atomics.store(flag, 0, 0);
      let parsed = { value: null, error: null, timedOut: false, exitCode: null } as Pick<
        ResultMessage,
        "value" | "error" | "timedOut" | "exitCode"
      >;
      let fatal = false;
      try {
        parsed = JSON.parse(runPy(message.code, message.namespace, message.lastExpression, init.maxOutputChars));
      } catch (error) {
        // Only an interrupt that lands after the code finished gets here; anything else means the
        // wrapper itself broke, so the interpreter is replaced.
        const text = String((error as Error)?.message ?? error);
        if (text.includes("KeyboardInterrupt")) parsed.timedOut = true;
        else {
          parsed.error = `the interpreter failed: ${text.trim().split("\n").pop()}`;
          fatal = true;
        }
      }
      return { type: "result", id: message.id, stdout: stdout.take(), stderr: stderr.take(), ...parsed, fatal };
    },
    drop(namespace) {
      dropPy(namespace);
    },
  };
}

/** Serves the host on `port` until the worker is terminated. */
function serve(port: WorkerPort): void {
  let session: Promise<Session> | null = null;
  port.onMessage((message: HostMessage) => {
    if (message.type === "init") {
      session = start(message, port);
      session.catch((error) => port.post({ type: "failed", message: String((error as Error)?.message ?? error) }));
      return;
    }
    if (!session) return;
    session.then((s) => {
      if (message.type === "run") {
        const result = s.run(message);
        port.post(result);
      } else s.drop(message.namespace);
    }, () => {});
  });
}

// Web workers (Deno's worker_threads too) have a global postMessage; Node's talk through parentPort.
const port: WorkerPort = typeof (globalThis as { postMessage?: unknown }).postMessage === "function"
  ? webPort()
  : (await import("./_port_node.ts")).nodePort();
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
