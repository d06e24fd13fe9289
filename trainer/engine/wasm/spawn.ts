/**
 * How this runtime starts a kernels worker, detected once: Node and Deno (both have
 * `node:worker_threads`, whose workers can be unref'd so an idle pool never keeps a process alive)
 * through spawn_node.ts, browsers through spawn_web.ts (`Worker` on a blob URL), otherwise none.
 */
import { hasNodeBuiltins } from "../../../core/runtime/mod.ts";
import type { KernelsWorker, WorkerRuntime } from "./spawn_types.ts";

export type { KernelsWorker, WorkerRuntime };

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
  detected ??= hasNodeBuiltins
    ? import("./spawn_node.ts").then((m) => m.nodeWorkerRuntime())
    : import("./spawn_web.ts").then((m) => m.webWorkerRuntime());
  return detected;
}
