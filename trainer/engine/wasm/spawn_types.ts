/** The interfaces of a kernels worker and of a runtime that starts one (spawn.ts picks the adapter, spawn_node.ts and spawn_web.ts implement it). */

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
