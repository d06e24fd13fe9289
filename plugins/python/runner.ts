/**
 * `createPythonRunner`: a worker holding one Pyodide interpreter per episode (see `worker.ts`), with a
 * wall-clock limit per run. A run over its limit is first interrupted (KeyboardInterrupt through a shared
 * flag, which keeps the episode's interpreter); if Python does not stop within `graceMs` (C code ignores
 * the flag) the worker is terminated and a fresh one is started from a memory snapshot (about a fifth of
 * the work of a cold start; see `snapshot.ts`). Runs are served one at a time, in call order; each is sent
 * to the worker as soon as it is asked for, so the worker goes from one run to the next without waiting
 * for this thread (which may be busy, e.g. stepping a model) to hear of the last result.
 */
import { INTERRUPT_BYTES, interruptRun, interruptSlots, type RunMessage, type SnapshotCache, type WorkerHandle, type WorkerMessage } from "./protocol.ts";
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
  /** Set once `ready` has resolved. */
  isReady: boolean;
  /** Runs wait for `ready` (one handler sends them all). */
  awaited: boolean;
  shared: SharedArrayBuffer | null;
  slots: Int32Array | null;
  onResult: ((message: WorkerMessage) => void) | null;
  onDeath: ((error: Error) => void) | null;
  dead: boolean;
  /** Closed by `close()`: never restarted. */
  closed: boolean;
}

/** A run asked for and not yet answered by its worker. */
interface Pending {
  message: RunMessage;
  options: RunOptions;
  /** The worker it was sent to (null until sent, and again when that worker died before starting it). */
  on: Live | null;
  started: boolean;
  /** Interrupted (time-out or abort): its outcome says timedOut. */
  stopping: boolean;
  /** Its promise is resolved (a run cancelled while queued in the worker stays here until the worker answers). */
  settled: boolean;
  resolve(outcome: RunOutcome): void;
  timer?: ReturnType<typeof setTimeout>;
  grace?: ReturnType<typeof setTimeout>;
  abort?: () => void;
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
    const shared = typeof SharedArrayBuffer === "function" ? new SharedArrayBuffer(INTERRUPT_BYTES) : null;
    const target: Live = {
      handle: null, ready: Promise.resolve(), isReady: false, awaited: false, shared, slots: shared && interruptSlots(shared),
      onResult: null, onDeath: null, dead: false, closed: false,
    };
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
    target.ready.then(() => void (target.isReady = true), () => kill(target));
    return target;
  }

  function ensure(): Live {
    if (!live || live.dead) live = start();
    return live;
  }

  const EMPTY: RunOutcome = { stdout: "", stderr: "", value: null, error: null, timedOut: false, exitCode: null, restarted: false };
  const CANCELLED: RunOutcome = { ...EMPTY, error: "the run was cancelled before it started" };
  /** Runs asked for and not yet answered, in call order (the order the worker serves them). */
  let pending: Pending[] = [];

  function settle(p: Pending, outcome: RunOutcome): void {
    clearTimeout(p.timer);
    clearTimeout(p.grace);
    if (p.abort) p.options.signal?.removeEventListener("abort", p.abort);
    if (p.settled) return;
    p.settled = true;
    p.resolve(outcome);
  }

  /** Sends every run not yet sent to the live worker, starting one (and waiting for it) where needed. */
  function dispatch(): void {
    if (!pending.some((p) => p.on === null && !p.settled)) return;
    const target = ensure();
    if (!target.isReady) {
      if (target.awaited) return;
      target.awaited = true;
      target.ready.then(() => dispatch(), (error: Error) => {
        for (const p of pending) if (p.on === null) settle(p, { ...EMPTY, error: error.message });
        pending = pending.filter((p) => !p.settled);
      });
      return;
    }
    if (target.dead) { // stopped between starting and now: the runs waiting for it are told so
      for (const p of pending) if (p.on === null) settle(p, { ...EMPTY, error: "the Python worker stopped before the run started", restarted: true });
      pending = pending.filter((p) => !p.settled);
      return;
    }
    target.onResult = (reply) => answer(target, reply);
    target.onDeath = (error) => died(target, `the Python worker died: ${error.message}`);
    for (const p of pending) {
      if (p.on !== null || p.settled) continue;
      p.on = target;
      target.handle?.post(p.message);
    }
    armHead(target);
  }

  /** The run `target` is serving or will serve next. */
  function headOf(target: Live): Pending | undefined {
    return pending.find((p) => p.on === target);
  }

  /** Until the head run starts, its limit counts from when it reached the head (the worker may be making its interpreter). */
  function armHead(target: Live): void {
    const head = headOf(target);
    if (!head || head.started || head.timer !== undefined || head.settled) return;
    head.timer = setTimeout(() => stop(head), startTimeoutMs + head.options.timeoutMs);
  }

  function answer(target: Live, reply: WorkerMessage): void {
    const p = pending.find((q) => q.on === target && q.message.id === (reply as { id?: number }).id);
    if (!p) return;
    if (reply.type === "started") {
      p.started = true;
      clearTimeout(p.timer);
      if (p.stopping || p.settled) stop(p);
      else p.timer = setTimeout(() => stop(p), p.options.timeoutMs);
      return;
    }
    if (reply.type !== "result") return;
    pending = pending.filter((q) => q !== p);
    settle(p, {
      stdout: reply.stdout,
      stderr: reply.stderr,
      value: reply.value,
      error: reply.error,
      timedOut: reply.timedOut || p.stopping,
      exitCode: reply.exitCode ?? null,
      restarted: reply.fatal,
    });
    if (reply.fatal) {
      kill(target);
      resend(target);
    } else armHead(target);
  }

  /** Runs sent to `target` that it never started go to a fresh worker. */
  function resend(target: Live): void {
    for (const p of pending) if (p.on === target) p.on = null;
    pending = pending.filter((p) => !p.settled);
    dispatch();
  }

  /** `target` is gone: the run it was serving gets `error`, the ones queued behind it go to a fresh worker (unless closed). */
  function died(target: Live, error: string): void {
    const head = headOf(target);
    if (head) {
      pending = pending.filter((p) => p !== head);
      settle(head, { ...EMPTY, error, restarted: true });
    }
    if (target.closed) {
      for (const p of pending) if (p.on === target) settle(p, { ...EMPTY, error, restarted: true });
      pending = pending.filter((p) => !p.settled);
    } else resend(target);
  }

  /**
   * Time-out or abort of `p`: interrupts it once it runs; if it neither ends within `graceMs` of that nor
   * starts (its worker stuck making its interpreter), ends its worker. A run still queued behind others
   * is interrupted when it starts.
   */
  function stop(p: Pending): void {
    const target = p.on;
    p.stopping = true;
    if (target === null) return;
    if (p.started && target.slots) interruptRun(target.slots, p.message.id); // a second call finds it claimed
    if (p.grace !== undefined || (!p.started && headOf(target) !== p)) return;
    p.grace = setTimeout(() => {
      if (target.dead || !pending.includes(p)) return;
      kill(target);
      pending = pending.filter((q) => q !== p);
      settle(p, { ...EMPTY, timedOut: true, restarted: true });
      resend(target);
      ensure().ready.catch(() => {}); // warm a fresh interpreter for the next call
    }, target.slots ? graceMs : 0);
  }

  function cancel(p: Pending): void {
    if (p.started || (p.on !== null && headOf(p.on) === p)) return stop(p); // running (or its interpreter starting): a time-out
    settle(p, { ...CANCELLED });
    if (p.on === null) pending = pending.filter((q) => q !== p);
  }

  return {
    run(code, run) {
      if (run.signal?.aborted) return Promise.resolve({ ...CANCELLED });
      return new Promise<RunOutcome>((resolve) => {
        const message: RunMessage = { type: "run", id: nextId++, code, namespace: run.namespace ?? "", lastExpression: run.lastExpression ?? true };
        const p: Pending = { message, options: run, on: null, started: false, stopping: false, settled: false, resolve };
        p.abort = () => cancel(p);
        run.signal?.addEventListener("abort", p.abort, { once: true });
        pending.push(p);
        dispatch();
      });
    },
    drop(namespace) {
      if (!live || live.dead) return;
      const target = live;
      const post = () => target.dead || target.handle?.post({ type: "drop", namespace });
      // in call order with the runs: they are sent at once to a ready worker, else when it is ready
      if (target.isReady) post();
      else target.ready.then(post, () => {});
    },
    warm: () => ensure().ready,
    close() {
      if (live) {
        live.closed = true;
        kill(live);
      }
      for (const p of pending) settle(p, { ...EMPTY, error: "the Python worker died: the runner was closed", restarted: true });
      pending = [];
    },
    stats,
  };
}
