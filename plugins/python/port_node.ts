/** Node adapter for the worker side: the channel to the host is `worker_threads.parentPort`. */
import { parentPort } from "node:worker_threads";
import type { HostMessage, WorkerPort } from "./protocol.ts";

/** The worker's port to the host under Node. */
export function nodePort(): WorkerPort {
  if (!parentPort) throw new Error("plugins/python/worker.ts must run inside a worker thread, not as a main module.");
  const port = parentPort;
  return {
    post: (message, transfer = []) => port.postMessage(message, transfer as never),
    onMessage: (listener) => port.on("message", (message: HostMessage) => listener(message)),
  };
}
