/**
 * Worker threads that run chunks of a kernel job on the shared memory, woken through a control block
 * in that memory with Atomics (no message per call). The caller publishes the job and claims chunks
 * like any worker, so a worker that the OS does not schedule holds up a call by at most the chunk it
 * has claimed, never by the whole job. See worker_source.ts for the protocol.
 */
import type { KernelsWorker, WorkerRuntime } from "./spawn.ts";
import { WORKER_SOURCE } from "./worker_source.ts";

const WORD = 0, DONE = 1, FAILED = 2, JOB = 3, STOP = 4;
/** Polls of the control word before a worker blocks in Atomics.wait (some tens of microseconds). */
const WORKER_SPIN = 20000;
/** Polls of the done count before the caller blocks (it waits only for chunks that are running). */
const CALLER_SPIN = 2000;

/** A pool of `threads - 1` workers plus the calling thread. */
export interface ThreadPool {
  readonly threads: number;
  /** Runs chunks 0..chunks-1 (at most 255) of the job at byte offset `job` and returns when all are done. */
  run(job: number, chunks: number): void;
  /** Stops and terminates the workers. */
  dispose(): void;
}

/** What the pool needs: the module, the shared memory and where its control block lives. */
export interface ThreadPoolOptions {
  runtime: WorkerRuntime;
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** Runs one chunk on the calling thread's instance of the module. */
  runChunk: (job: number, chunk: number, chunks: number) => void;
  /** Byte offset of the 32-byte control block. */
  control: number;
  threads: number;
}

/**
 * Starts `threads - 1` workers on the shared memory and resolves once each has instantiated the module.
 *
 * @example
 * ```ts
 * const pool = await createThreadPool({ runtime, module, memory, runChunk, control: 64, threads: 2 });
 * pool.run(jobOffset, 8);
 * ```
 */
export async function createThreadPool(options: ThreadPoolOptions): Promise<ThreadPool> {
  const { memory, runChunk, control, threads } = options;
  const c = new Int32Array(memory.buffer, control, 8);
  c.fill(0);
  const canBlock = (() => {
    try {
      Atomics.wait(c, STOP, 1, 0); // "not-equal" where blocking is allowed, a TypeError on a browser's main thread
      return true;
    } catch {
      return false;
    }
  })();
  const workers: KernelsWorker[] = [];
  try {
    const ready: Promise<unknown>[] = [];
    for (let i = 1; i < threads; i++) {
      const worker = options.runtime.spawn(WORKER_SOURCE);
      workers.push(worker);
      ready.push(worker.nextMessage());
      worker.postMessage({ module: options.module, memory, control, spin: WORKER_SPIN });
    }
    await Promise.all(ready);
  } catch (error) {
    for (const worker of workers) worker.terminate();
    throw new Error(`wasm kernels: a worker thread failed to start: ${(error as Error).message ?? error}`);
  }
  for (const worker of workers) worker.unref();
  let sequence = 0;
  let disposed = false;

  return {
    threads,
    run(job, chunks) {
      if (disposed) throw new Error("wasm kernels: used after dispose()");
      Atomics.store(c, JOB, job);
      Atomics.store(c, DONE, 0);
      Atomics.store(c, FAILED, 0);
      sequence = (sequence + 1) & 0xffff;
      Atomics.store(c, WORD, (sequence << 16) | (chunks << 8));
      Atomics.notify(c, WORD);
      let error: unknown = null;
      for (let word = Atomics.load(c, WORD); (word & 255) < chunks;) {
        const found = Atomics.compareExchange(c, WORD, word, word + 1);
        if (found !== word) {
          word = found;
          continue;
        }
        try {
          runChunk(job, word & 255, chunks);
        } catch (thrown) {
          error ??= thrown;
        }
        Atomics.add(c, DONE, 1);
        word = Atomics.load(c, WORD);
      }
      // every chunk must be finished before the job area may be reused, even after a failure
      for (let i = 0;; i++) {
        const done = Atomics.load(c, DONE);
        if (done === chunks) break;
        if (i >= CALLER_SPIN && canBlock) Atomics.wait(c, DONE, done);
      }
      if (error !== null) throw error;
      const failed = Atomics.load(c, FAILED);
      if (failed !== 0) throw new Error(`wasm kernels: chunk ${failed - 1} of the job failed in a worker thread`);
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      Atomics.store(c, STOP, 1);
      sequence = (sequence + 1) & 0xffff;
      Atomics.store(c, WORD, sequence << 16);
      Atomics.notify(c, WORD);
      for (const worker of workers) worker.terminate();
    },
  };
}
