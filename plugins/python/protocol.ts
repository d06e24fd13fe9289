/** Messages between the host (`runner.ts`) and the Python worker (`worker.ts`). */

/** Host → worker, first message: how to start the interpreter. */
export interface InitMessage {
  type: "init";
  /** Where Pyodide's files are (a path under Node, a URL elsewhere). */
  indexURL: string;
  /** A Pyodide memory snapshot from an earlier worker: starts in ~0.3 s instead of ~4 s. */
  snapshot: Uint8Array | null;
  /** Upper bound of each interpreter's WebAssembly heap, in bytes. */
  memoryLimitBytes: number;
  /** Upper bound of the heaps of all the interpreters the worker holds, in bytes; past it the idlest episodes are dropped. */
  totalMemoryBytes: number;
  /** Captured stdout/stderr beyond this many characters are dropped. */
  maxOutputChars: number;
  /** Two Int32 slots shared with the host to interrupt a run (see {@link interruptRun}); null where unavailable. */
  interrupt: SharedArrayBuffer | null;
  /** Episodes kept at once; the least recently used is dropped past it. */
  maxEpisodes: number;
  /** Run every episode in one interpreter, a namespace each (not isolated; see `PythonRunnerOptions`). */
  shareInterpreter: boolean;
}

/** Host → worker: run code in an episode's interpreter. */
export interface RunMessage {
  type: "run";
  id: number;
  code: string;
  /** Episode key (the episode id); "" runs in a fresh interpreter that is thrown away afterwards. */
  namespace: string;
  lastExpression: boolean;
}

/** Host → worker: throw away an episode's interpreter. */
export interface DropMessage {
  type: "drop";
  namespace: string;
}

export type HostMessage = InitMessage | RunMessage | DropMessage;

/** Worker → host: the interpreter is ready (with a snapshot when none was given). */
export interface ReadyMessage {
  type: "ready";
  snapshot: Uint8Array | null;
  startMs: number;
}

/** Worker → host: the run's interpreter is ready and its code starts now (its time limit counts from here). */
export interface StartedMessage {
  type: "started";
  id: number;
}

/** Worker → host: the outcome of one run. */
export interface ResultMessage {
  type: "result";
  id: number;
  stdout: string;
  stderr: string;
  /** `repr` of the last expression, when asked for and not None. */
  value: string | null;
  /** One-line Python exception text, or null. */
  error: string | null;
  /** Stopped by the interrupt flag. */
  timedOut: boolean;
  /** The code of `sys.exit()`/`SystemExit` when the code raised it, else null. */
  exitCode: number | null;
  /** The worker is no longer usable (it cannot start interpreters); the host must start a fresh one. */
  fatal: boolean;
}

/** Worker → host: starting failed. */
export interface FailedMessage {
  type: "failed";
  message: string;
}

export type WorkerMessage = ReadyMessage | StartedMessage | ResultMessage | FailedMessage;

/** The host's handle on a spawned worker, whatever the runtime. */
export interface WorkerHandle {
  /** Pyodide's folder, in the form this runtime's Pyodide loader wants. */
  indexURL: string;
  post(message: HostMessage, transfer?: Transferable[]): void;
  onMessage(listener: (message: WorkerMessage) => void): void;
  /** Called when the worker dies or throws outside a run. */
  onError(listener: (error: Error) => void): void;
  terminate(): void;
}

/** The worker's side of the channel, whatever the runtime. */
export interface WorkerPort {
  post(message: WorkerMessage, transfer?: Transferable[]): void;
  onMessage(listener: (message: HostMessage) => void): void;
}

/** Where memory snapshots of a freshly started interpreter are kept between processes. */
export interface SnapshotCache {
  load(key: string): Promise<Uint8Array | null>;
  save(key: string, bytes: Uint8Array): Promise<void>;
  remove(key: string): Promise<void>;
}

/**
 * The interrupt block (`InitMessage.interrupt`): slot 0 is Pyodide's interrupt buffer (2 raises
 * KeyboardInterrupt in running Python), slot 1 the id of the run the worker is executing (0 between runs).
 * The host sends runs ahead, so by the time it decides to stop run X the worker may be on run Y: the
 * host claims X in slot 1 first ({@link interruptRun}) and sets the flag only if X is still running, and
 * the worker, when X ends, clears what the host set ({@link endRun}) before it starts the next run.
 */
export const INTERRUPT_BYTES = 8;
const FLAG = 0, RUNNING = 1;
/** Slot 1 once the host has set the flag for the run it claimed. */
const FLAG_SET = -0x80000000;

/** The interrupt block's slots, for a buffer of {@link INTERRUPT_BYTES}. */
export function interruptSlots(buffer: SharedArrayBuffer): Int32Array {
  return new Int32Array(buffer, 0, 2);
}

/** Host: interrupts run `id` if it is the one running; false when it has not started or has ended. */
export function interruptRun(slots: Int32Array, id: number): boolean {
  if (Atomics.compareExchange(slots, RUNNING, id, -id) !== id) return false;
  Atomics.store(slots, FLAG, 2);
  Atomics.store(slots, RUNNING, FLAG_SET);
  Atomics.notify(slots, RUNNING);
  return true;
}

/** Worker: run `id` starts now (before its "started" message, so an interrupt cannot miss it). */
export function beginRun(slots: Int32Array, id: number): void {
  Atomics.store(slots, FLAG, 0);
  Atomics.store(slots, RUNNING, id);
}

/**
 * Worker: run `id` has ended. If the host claimed it meanwhile, waits the moment until the host has set
 * the flag, then clears both slots, so the interrupt cannot reach a later run. Says whether it was claimed.
 */
export function endRun(slots: Int32Array, id: number): boolean {
  if (Atomics.compareExchange(slots, RUNNING, id, 0) === id) return false;
  while (Atomics.load(slots, RUNNING) !== FLAG_SET) Atomics.wait(slots, RUNNING, -id, 10);
  Atomics.store(slots, FLAG, 0);
  Atomics.store(slots, RUNNING, 0);
  return true;
}
