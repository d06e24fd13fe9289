/**
 * A per-op profile of the engine: a `Backend` whose every op is timed (wall clock, calls) before it
 * hands the call to the real backend. The cpu backend's ops run synchronously, so an op's time is its
 * own; the wasm kernels' time includes waking and waiting for the worker threads.
 */
import type { Backend } from "../../trainer/engine/backend/backend.ts";

/** Milliseconds and calls of one op. */
export interface OpTime {
  op: string;
  ms: number;
  calls: number;
}

/** A timed backend, what it measured since the last `reset`, and the phase it is in. */
export interface ProfiledBackend {
  backend: Backend;
  /** Names the phase ("forward", "backward", "adamw") that the next ops are counted under. */
  phase(name: string): void;
  /** Every (phase, op) so far, most time first; op names read "phase: op". */
  times(): OpTime[];
  reset(): void;
}

const UNTIMED = new Set(["name", "alloc", "free"]);

/**
 * Wraps `backend` so that every op is timed under the current phase.
 *
 * @example
 * ```ts
 * const profiled = profileBackend(backend);
 * profiled.phase("forward"); await model.forward(input, { grad: true });
 * profiled.times(); // [{ op: "forward: matmulForward", ms: 12.5, calls: 30 }, ...]
 * ```
 */
export function profileBackend(backend: Backend): ProfiledBackend {
  const totals = new Map<string, OpTime>();
  let current = "other";
  const record = (op: string, ms: number) => {
    const key = `${current}: ${op}`;
    const entry = totals.get(key) ?? { op: key, ms: 0, calls: 0 };
    entry.ms += ms;
    entry.calls += 1;
    totals.set(key, entry);
  };
  const wrapped = { ...backend } as Record<string, unknown>;
  for (const [name, value] of Object.entries(backend)) {
    if (typeof value !== "function" || UNTIMED.has(name)) continue;
    const fn = value as (...args: unknown[]) => unknown;
    wrapped[name] = (...args: unknown[]) => {
      const start = performance.now();
      const result = fn.apply(backend, args);
      if (result instanceof Promise) return result.finally(() => record(name, performance.now() - start));
      record(name, performance.now() - start);
      return result;
    };
  }
  return {
    backend: wrapped as unknown as Backend,
    phase(name) {
      current = name;
    },
    times: () => [...totals.values()].sort((a, b) => b.ms - a.ms),
    reset: () => totals.clear(),
  };
}
