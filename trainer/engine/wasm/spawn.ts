/**
 * How this runtime starts a kernels worker, detected once: Node and Deno (both have
 * `node:worker_threads`, whose workers can be unref'd so an idle pool never keeps a process alive)
 * through spawn_node.ts, browsers through spawn_web.ts (`Worker` on a blob URL), otherwise none.
 */

/** A started worker: messages in and out, and its end. */
export interface KernelsWorker {
  postMessage(message: unknown): void;
  /** Resolves with the worker's next message (rejects when it fails to start). */
  nextMessage(): Promise<unknown>;
  /** Lets the process exit while the worker waits for work. */
  unref(): void;
  terminate(): void;
}

/** What a runtime adapter provides. */
export interface WorkerRuntime {
  /** Starts a worker running `source`, whose `kernelsWorker(init, post)` gets the first message. */
  spawn(source: string): KernelsWorker;
  /** Logical processors available to this process. */
  processors: number;
  /** Whether SharedArrayBuffer can be used and posted to workers here. */
  sharedMemory: boolean;
}

// deno-lint-ignore no-explicit-any
const runtimeGlobal = globalThis as any;
/** Node, or Deno with its Node compatibility (both have `node:` modules): where `*_node.ts` adapters load. */
export const hasNodeModules = typeof runtimeGlobal.process?.versions?.node === "string";

let detected: Promise<WorkerRuntime | null> | undefined;

/**
 * The runtime's worker adapter, or null where workers with shared memory cannot run.
 *
 * @example
 * ```ts
 * const runtime = await workerRuntime();
 * const threads = runtime ? Math.min(runtime.processors, 4) : 1;
 * ```
 */
export function workerRuntime(): Promise<WorkerRuntime | null> {
  detected ??= hasNodeModules
    ? import("./spawn_node.ts").then((m) => m.nodeWorkerRuntime())
    : import("./spawn_web.ts").then((m) => m.webWorkerRuntime());
  return detected;
}
