/**
 * The concurrency limit of the OpenAI-compatible policy's requests (the requests themselves go through the shared
 * `postJson` of core/http: a time-out per attempt, retries with back-off on 429, 5xx, network errors and time-outs).
 */

/** Limits the number of tasks running at once. */
export interface Limiter {
  run<T>(task: () => Promise<T>): Promise<T>;
}

/** A limiter that lets at most `width` tasks run at once, first come first served. */
export function createLimiter(width: number): Limiter {
  if (!Number.isInteger(width) || width < 1) {
    throw new Error(`concurrency must be a positive integer, got ${width}`);
  }
  let running = 0;
  const waiting: (() => void)[] = [];
  return {
    async run(task) {
      if (running >= width) await new Promise<void>((resolve) => waiting.push(resolve));
      else running += 1;
      try {
        return await task();
      } finally {
        const next = waiting.shift();
        if (next) next(); // the slot passes straight to the next task
        else running -= 1;
      }
    },
  };
}
