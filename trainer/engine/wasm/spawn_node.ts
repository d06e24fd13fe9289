/** Worker adapter for Node and Deno: `node:worker_threads` from source text, unref'd once started. */
import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import type { KernelsWorker, WorkerRuntime } from "./spawn_types.ts";

const RECEIVE = `
const { parentPort } = require("node:worker_threads");
parentPort.once("message", (init) => kernelsWorker(init, (message) => parentPort.postMessage(message)));
`;

/** The Node / Deno worker runtime. */
export function nodeWorkerRuntime(): WorkerRuntime {
  return {
    processors: availableParallelism(),
    sharedMemory: typeof SharedArrayBuffer === "function",
    spawn(source): KernelsWorker {
      const worker = new Worker(source + RECEIVE, { eval: true });
      return {
        postMessage: (message) => worker.postMessage(message),
        nextMessage: () =>
          new Promise((resolve, reject) => {
            const onError = (error: Error) => reject(error);
            worker.once("error", onError);
            worker.once("message", (message) => {
              worker.off("error", onError);
              resolve(message);
            });
          }),
        unref: () => worker.unref(),
        terminate: () => void worker.terminate(),
      };
    },
  };
}
