/** Web adapter (browsers, Bun): runs the Python worker as a module `Worker`. */
import type { WorkerHandle, WorkerMessage } from "./protocol.ts";

/** Spawns the worker module at `url` as a module worker. */
export function spawnWeb(url: URL): WorkerHandle {
  const worker = new Worker(url, { type: "module" });
  return {
    indexURL: new URL(".", import.meta.resolve("pyodide")).href,
    post: (message, transfer = []) => worker.postMessage(message, transfer),
    onMessage: (listener) => worker.addEventListener("message", (event) => listener(event.data as WorkerMessage)),
    onError: (listener) => {
      worker.addEventListener("error", (event) => {
        event.preventDefault();
        listener(new Error(`the Python worker failed: ${event.message}`));
      });
      worker.addEventListener("messageerror", () => listener(new Error("the Python worker sent an unreadable message")));
    },
    terminate: () => worker.terminate(),
  };
}
