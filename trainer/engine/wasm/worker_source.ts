/**
 * The source of a kernels worker, as text (workers start from a string so that loading needs no file
 * or URL on any runtime; spawn_node.ts and spawn_web.ts add the lines that receive the first
 * message). The worker instantiates the compiled kernels module it is sent (sharing the caller's
 * compiled code) on the shared memory, reports ready, then
 * loops without ever returning to its event loop:
 *
 *   wait until a new job is published (spin briefly, then Atomics.wait),
 *   claim chunks of it one at a time and run each, counting them done,
 *   wake the caller when the last chunk is done.
 *
 * Control block (Int32 slots at `control`):
 *   0 word = job sequence (16 bits) << 16 | chunk count (8 bits) << 8 | next unclaimed chunk (8 bits)
 *   1 chunks done, 2 failed chunk + 1 (0 when none), 3 byte offset of the job descriptor, 4 stop flag.
 * A chunk is claimed by compare-and-swap of the whole word, so a claim is valid only for the job it
 * was read from, and a job cannot be replaced while one of its chunks is unfinished: a worker that
 * wakes late never runs a chunk of a job it did not see, and the caller, which claims chunks too,
 * never waits for a worker that is not running.
 */
export const WORKER_SOURCE = `
function kernelsWorker(init, post) {
  const { module, memory, control, spin } = init;
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const c = new Int32Array(memory.buffer, control, 8);
  let seen = Atomics.load(c, 0) >>> 16;
  post({ ready: true });
  for (;;) {
    let word = Atomics.load(c, 0);
    for (let i = 0; word >>> 16 === seen; i++) {
      if (i >= spin) Atomics.wait(c, 0, word);
      word = Atomics.load(c, 0);
    }
    if (Atomics.load(c, 4) !== 0) break;
    seen = word >>> 16;
    for (;;) {
      const chunks = (word >>> 8) & 255, next = word & 255;
      if (word >>> 16 !== seen || next >= chunks) break;
      const found = Atomics.compareExchange(c, 0, word, word + 1);
      if (found !== word) {
        word = found;
        continue;
      }
      try {
        instance.exports.run(Atomics.load(c, 3), next, chunks);
      } catch (error) {
        Atomics.store(c, 2, next + 1);
        post({ error: String(error) });
      }
      if (Atomics.add(c, 1, 1) + 1 === chunks) Atomics.notify(c, 1);
      word = Atomics.load(c, 0);
    }
  }
}
`;
