/**
 * Node adapter (also used under Deno): runs the Python worker in `worker_threads`. Under Node a `.ts`
 * worker is bootstrapped through tsx, which the worker thread would not otherwise inherit. The worker
 * gets an empty environment and is unref'd, so an idle interpreter never keeps the process alive.
 */
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { runtime } from "../../core/runtime/mod.ts";
import type { HostMessage, WorkerHandle, WorkerMessage } from "./protocol.ts";

/** Spawns the worker module at `url` in a Node worker thread. */
export function spawnNode(url: URL): WorkerHandle {
  const source = url.pathname.endsWith(".ts") && runtime !== "deno"
    ? `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))})` +
      `.then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`
    : `import(${JSON.stringify(url.href)});`;
  const worker = new Worker(source, { eval: true, env: {}, stdout: false, stderr: false });
  return {
    indexURL: fileURLToPath(new URL(".", import.meta.resolve("pyodide"))),
    post: (message: HostMessage, transfer = []) => worker.postMessage(message, transfer as never),
    onMessage: (listener) => {
      worker.on("message", (message: WorkerMessage) => listener(message));
      worker.unref(); // after the listener: adding a "message" listener refs the worker again
    },
    onError: (listener) => {
      worker.on("error", (error) => listener(error instanceof Error ? error : new Error(String(error))));
      worker.on("exit", (code) => listener(new Error(`the Python worker exited with code ${code}`)));
    },
    terminate: () => void worker.terminate(),
  };
}
