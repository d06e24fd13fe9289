/** Worker adapter for browsers: a module `Worker` on a blob URL; threads need cross-origin isolation. */
import type { KernelsWorker, WorkerRuntime } from "./spawn_types.ts";

const RECEIVE = `
self.onmessage = (event) => {
  self.onmessage = null;
  kernelsWorker(event.data, (message) => self.postMessage(message));
};
`;

/** The browser worker runtime, or null without `Worker`. */
export function webWorkerRuntime(): WorkerRuntime | null {
  if (typeof Worker !== "function" || typeof Blob !== "function") return null;
  // deno-lint-ignore no-explicit-any
  const isolated = (globalThis as any).crossOriginIsolated !== false;
  return {
    processors: navigator.hardwareConcurrency ?? 1,
    sharedMemory: typeof SharedArrayBuffer === "function" && isolated,
    spawn(source): KernelsWorker {
      const url = URL.createObjectURL(new Blob([source + RECEIVE], { type: "text/javascript" }));
      const worker = new Worker(url, { type: "module" });
      return {
        postMessage: (message) => worker.postMessage(message),
        nextMessage: () =>
          new Promise((resolve, reject) => {
            worker.onmessage = (event) => resolve(event.data);
            worker.onerror = (event) => reject(new Error(`kernels worker failed to start: ${event.message}`));
          }),
        unref: () => {},
        terminate: () => {
          worker.terminate();
          URL.revokeObjectURL(url);
        },
      };
    },
  };
}
