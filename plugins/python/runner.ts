/**
 * `createPythonRunner`: a worker holding one Pyodide interpreter per episode (see `worker.ts`), with a
 * wall-clock limit per run. A run over its limit is first interrupted (KeyboardInterrupt through a shared
 * flag, which keeps the episode's interpreter); if Python does not stop within `graceMs` (C code ignores
 * the flag) the worker is terminated and a fresh one is started from a memory snapshot (about a fifth of
 * the work of a cold start; see `snapshot.ts`). Runs are served one at a time, in call order.
 */
import type { RunMessage, SnapshotCache, WorkerHandle, WorkerMessage } from "./protocol.ts";
import { currentSnapshot, discardSnapshot, keepSnapshot } from "./snapshot.ts";
import { type RuntimeAdapters, runtimeAdapters } from "./spawn.ts";

/** Options of {@link createPythonRunner}. */
export interface PythonRunnerOptions {
  /**
   * Upper bound of each interpreter's WebAssembly heap in MiB (default 512, at least 128); all of a worker's
   * together are bounded by `maxTotalMemoryMb`.
   */
  memoryLimitMb?: number;
  /**
   * Upper bound of the heaps of all of a worker's interpreters together, in MiB (default 2048, at least
   * `memoryLimitMb`): past it the idlest episodes are dropped, and a run that still does not fit gets a MemoryError.
   */
  maxTotalMemoryMb?: number;
  /** Characters of stdout and of stderr kept per run (default 10000). */
  maxOutputChars?: number;
  /** Time allowed for Pyodide to start, in milliseconds (default 60000). */
  startTimeoutMs?: number;
  /** After an interrupt, how long to wait for Python to stop before terminating the worker (default 500). */
  graceMs?: number;
  /** Starts the worker; defaults to the runtime's adapter (worker_threads on Node and Deno, `Worker` elsewhere). */
  spawn?: (url: URL) => WorkerHandle;
  /** Where start-up snapshots are kept between processes; default the user's cache folder on Node and Deno, null for none. */
  snapshotCache?: SnapshotCache | null;
  /** Episodes kept at once, each in an interpreter of its own (~60 MB); the least recently used is dropped past it (default 16). */
  maxEpisodes?: number;
  /**
   * Run every episode in one interpreter with a namespace each, as before issue #14 (default false). A new
   * episode then costs milliseconds instead of a fresh interpreter (~0.5 s), but episodes are not isolated:
   * one can read another's variables (`gc.get_objects()`), patch the modules and files all share, or forge
   * their results. Only for code you trust, never for a server open to others.
   */
  shareInterpreter?: boolean;
}

/** Options of one run. */
export interface RunOptions {
  /** Wall-clock limit of the run in milliseconds, counted from when it starts executing. */
  timeoutMs: number;
  /** Episode key, normally the episode id; "" (default) runs in a fresh interpreter (or namespace), thrown away after the run. */
  namespace?: string;
  /** Stops the run from outside (treated like a time-out). */
  signal?: AbortSignal;
  /** Report the `repr` of a final expression statement (default true). */
  lastExpression?: boolean;
}

/** What one run produced. `error` is Python's exception text or a message about the worker. */
export interface RunOutcome {
  stdout: string;
  stderr: string;
  value: string | null;
  error: string | null;
  timedOut: boolean;
  /** The code passed to `sys.exit()` (or raised as `SystemExit`), or null when the code did not exit. */
  exitCode: number | null;
  /** The worker was terminated during this run: every episode it held lost its variables. */
  restarted: boolean;
}

/** One interpreter in a worker. */
export interface PythonRunner {
  run(code: string, options: RunOptions): Promise<RunOutcome>;
  /** Throws away an episode's interpreter (the episode ended). */
  drop(namespace: string): void;
  /** Starts the interpreter now rather than on the first run. */
  warm(): Promise<void>;
  /** Terminates the worker; a later run starts a fresh one. */
  close(): void;
  /** Worker starts so far and the duration of the last one. */
  readonly stats: { starts: number; lastStartMs: number };
}

interface Live {
  handle: WorkerHandle | null;
  ready: Promise<void>;
  shared: SharedArrayBuffer | null;
  flag: Int32Array | null;
  onResult: ((message: WorkerMessage) => void) | null;
  onDeath: ((error: Error) => void) | null;
  dead: boolean;
  /** Closed by `close()`: never restarted. */
  closed: boolean;
}

const WORKER_URL = new URL("./worker.ts", import.meta.url);

/**
 * Creates a runner.
 *
 * @example
 * ```ts
 * const py = createPythonRunner();
 * (await py.run("print(6 * 7)", { timeoutMs: 2000 })).stdout; // "42\n"
 * ```
 */
export function createPythonRunner(options: PythonRunnerOptions = {}): PythonRunner {
  const { memoryLimitMb = 512, maxOutputChars = 10_000, startTimeoutMs = 60_000, graceMs = 500, maxEpisodes = 16, shareInterpreter = false } = options;
  const { maxTotalMemoryMb = Math.max(2048, memoryLimitMb) } = options;
  if (!(memoryLimitMb >= 128 && memoryLimitMb <= 4095)) {
    throw new Error(`createPythonRunner: memoryLimitMb ${memoryLimitMb} must be from 128 to 4095 (Pyodide needs ~40 MiB to start).`);
  }
  if (!(maxTotalMemoryMb >= memoryLimitMb)) {
    throw new Error(`createPythonRunner: maxTotalMemoryMb ${maxTotalMemoryMb} must be at least memoryLimitMb (${memoryLimitMb}).`);
  }
  if (!Number.isInteger(maxEpisodes) || maxEpisodes < 1) {
    throw new Error(`createPythonRunner: maxEpisodes ${maxEpisodes} must be a positive integer.`);
  }
  const stats = { starts: 0, lastStartMs: 0 };
  let live: Live | null = null;
  let queue: Promise<unknown> = Promise.resolve();
  let nextId = 1;

  function kill(target: Live): void {
    target.dead = true;
    target.handle?.terminate();
    if (live === target) live = null;
  }

  /** Spawns a worker for `target` and waits until its interpreter is ready. */
  async function launch(target: Live, spawn: RuntimeAdapters["spawn"], cache: SnapshotCache | null, snapshot: Uint8Array | null) {
    const began = performance.now();
    const handle = await spawn(WORKER_URL);
    target.handle = handle;
    if (target.closed) {
      handle.terminate();
      throw new Error("the Python runner was closed while starting");
    }
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Pyodide did not start within ${startTimeoutMs} ms`)), startTimeoutMs);
      const settle = (error?: Error) => {
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      handle.onError((error) => {
        if (target.handle !== handle) return; // a worker replaced after a failed start
        const wasDead = target.dead;
        target.dead = true;
        if (live === target) live = null;
        if (!wasDead) target.onDeath?.(error);
        settle(error);
      });
      handle.onMessage((message) => {
        if (message.type === "ready") {
          if (message.snapshot) keepSnapshot(message.snapshot, cache);
          stats.starts += 1;
          stats.lastStartMs = performance.now() - began;
          settle();
        } else if (message.type === "failed") settle(new Error(`Pyodide failed to start: ${message.message}`));
        else target.onResult?.(message);
      });
      const [memoryLimitBytes, totalMemoryBytes] = [memoryLimitMb * 2 ** 20, maxTotalMemoryMb * 2 ** 20];
      handle.post({
        type: "init",
        indexURL: handle.indexURL,
        snapshot,
        memoryLimitBytes,
        totalMemoryBytes,
        maxOutputChars,
        interrupt: target.shared,
        maxEpisodes,
        shareInterpreter,
      });
    });
  }

  function start(): Live {
    const shared = typeof SharedArrayBuffer === "function" ? new SharedArrayBuffer(4) : null;
    const target: Live = { handle: null, ready: Promise.resolve(), shared, flag: shared && new Int32Array(shared), onResult: null, onDeath: null, dead: false, closed: false };
    target.ready = (async () => {
      const adapters = await runtimeAdapters;
      const spawn = options.spawn ?? adapters.spawn;
      const cache = options.snapshotCache === undefined ? adapters.snapshotCache : options.snapshotCache;
      const snapshot = await currentSnapshot(cache);
      try {
        await launch(target, spawn, cache, snapshot.bytes);
      } catch (error) {
        if (!snapshot.fromCache || target.closed) throw error;
        // A cached snapshot that does not start (another Pyodide build, a damaged file): drop it, start cold.
        target.handle?.terminate();
        target.dead = false;
        await discardSnapshot(cache);
        await launch(target, spawn, cache, null);
      }
    })();
    target.ready.catch(() => kill(target));
    return target;
  }

  function ensure(): Live {
    if (!live || live.dead) live = start();
    return live;
  }

  async function execute(code: string, run: RunOptions): Promise<RunOutcome> {
    const outcome: RunOutcome = { stdout: "", stderr: "", value: null, error: null, timedOut: false, exitCode: null, restarted: false };
    if (run.signal?.aborted) return { ...outcome, error: "the run was cancelled before it started" };
    const target = ensure();
    try {
      await target.ready;
    } catch (error) {
      return { ...outcome, error: (error as Error).message };
    }
    if (run.signal?.aborted) return { ...outcome, error: "the run was cancelled while Python was starting" };
    if (target.dead) return { ...outcome, error: "the Python worker stopped before the run started", restarted: true };
    const message: RunMessage = { type: "run", id: nextId++, code, namespace: run.namespace ?? "", lastExpression: run.lastExpression ?? true };
    return await new Promise<RunOutcome>((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      let grace: ReturnType<typeof setTimeout> | undefined;
      const finish = (result: RunOutcome) => {
        clearTimeout(timer);
        clearTimeout(grace);
        run.signal?.removeEventListener("abort", stop);
        target.onResult = null;
        target.onDeath = null;
        resolve(result);
      };
      const stop = () => {
        if (grace !== undefined) return;
        if (target.flag) Atomics.store(target.flag, 0, 2);
        grace = setTimeout(() => {
          kill(target);
          finish({ ...outcome, timedOut: true, restarted: true });
          ensure().ready.catch(() => {}); // warm a fresh interpreter for the next call
        }, target.flag ? graceMs : 0);
      };
      target.onResult = (reply) => {
        if (reply.type === "started" && reply.id === message.id && grace === undefined) {
          clearTimeout(timer);
          timer = setTimeout(stop, run.timeoutMs);
        }
        if (reply.type !== "result" || reply.id !== message.id) return;
        if (reply.fatal) kill(target);
        finish({
          stdout: reply.stdout,
          stderr: reply.stderr,
          value: reply.value,
          error: reply.error,
          timedOut: reply.timedOut || grace !== undefined,
          exitCode: reply.exitCode ?? null,
          restarted: reply.fatal,
        });
      };
      target.onDeath = (error) => finish({ ...outcome, error: `the Python worker died: ${error.message}`, restarted: true });
      // the limit counts from "started": until then the worker may be starting the episode's interpreter
      timer = setTimeout(stop, startTimeoutMs + run.timeoutMs);
      run.signal?.addEventListener("abort", stop, { once: true });
      if (target.flag) Atomics.store(target.flag, 0, 0); // an interrupt meant for an earlier run
      target.handle?.post(message);
    });
  }

  return {
    run(code, run) {
      const job = queue.then(() => execute(code, run));
      queue = job.catch(() => {});
      return job;
    },
    drop(namespace) {
      if (live && !live.dead) {
        const target = live;
        target.ready.then(() => target.dead || target.handle?.post({ type: "drop", namespace }), () => {});
      }
    },
    warm: () => ensure().ready,
    close() {
      if (!live) return;
      const target = live;
      target.closed = true;
      kill(target);
      target.onDeath?.(new Error("the runner was closed"));
    },
    stats,
  };
}
