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
  /** Shared flag the host sets to 2 (SIGINT) to interrupt running Python; null where unavailable. */
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
