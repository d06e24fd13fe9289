/**
 * `nextMacrotask()`: one turn of the event loop, as cheaply as this runtime allows. Loops that run many
 * short steps on promises alone (training steps, decoding steps, batches of queries) await it between
 * steps, so that timers, I/O, signal handlers and worker messages get their turn.
 *
 * `setImmediate` where the runtime has it (Node, Deno, Bun: ~10 µs; Node runs its poll phase, where
 * signals and I/O land, before each), else a message on a fresh `MessageChannel` (browsers and web
 * workers: ~50 µs). Never `setTimeout(0)`: it waits ~1 ms on Node and ~2 ms on Deno, a few percent of a
 * training step and more of a decoding step.
 */

type Immediate = (callback: () => void) => unknown;
const setImmediateFn = (globalThis as unknown as { setImmediate?: Immediate }).setImmediate;

/**
 * Resolves after one macrotask.
 *
 * @example
 * ```ts
 * for (const step of steps) {
 *   await run(step);
 *   await nextMacrotask(); // let Ctrl-C and timers through
 * }
 * ```
 */
export const nextMacrotask: () => Promise<void> = setImmediateFn
  ? () => new Promise<void>((resolve) => setImmediateFn(resolve))
  : messageTask;

/**
 * Resolves after one macrotask through a message on a fresh channel (every runtime has it, browsers
 * included). A fresh channel each time: a reused port may deliver its next message before other tasks run.
 */
export function messageTask(): Promise<void> {
  return new Promise<void>((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
